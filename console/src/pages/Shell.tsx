import { Link } from '../components/Link.tsx';
import { useSession } from '../state.ts';
import { TokensPage } from './Tokens.tsx';
import { NewTokenPage } from './NewToken.tsx';
import { TokenPage } from './Token.tsx';
import { RolesPage } from './Roles.tsx';
import { UsersPage } from './Users.tsx';
import { AuditPage } from './Audit.tsx';

function page(path: string) {
  if (path === '/' || path === '/tokens') return <TokensPage />;
  if (path === '/tokens/new') return <NewTokenPage />;
  const token = /^\/tokens\/([^/]+)$/.exec(path);
  if (token?.[1]) return <TokenPage id={decodeURIComponent(token[1])} />;
  if (path === '/roles') return <RolesPage />;
  if (path === '/users') return <UsersPage />;
  if (path === '/audit') return <AuditPage />;
  return (
    <section>
      <h1>Not found</h1>
      <p>
        There is no page here. <Link to="/tokens">Go to the API tokens</Link>.
      </p>
    </section>
  );
}

export function Shell(props: { path: string }) {
  const session = useSession();
  const section = props.path.split('/')[1] ?? '';
  const nav = [
    { to: '/tokens', label: 'API tokens', active: section === 'tokens' || section === '' },
    { to: '/roles', label: 'Roles', active: section === 'roles' },
    { to: '/users', label: 'Users', active: section === 'users' },
    { to: '/audit', label: 'Audit log', active: section === 'audit' },
  ];
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Latchkey</span>
        <nav aria-label="Main">
          <ul>
            {nav.map((item) => (
              <li key={item.to}>
                <Link to={item.to} current={item.active}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span title="Signed in with this API token">{session.me.attributes.name}</span>
          <button type="button" onClick={session.signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {page(props.path)}
      </main>
    </>
  );
}

import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, query, relId, relIds, type Resource } from '../api.ts';
import { itemLabel } from '../components/TreePicker.tsx';
import { Confirm } from '../components/Confirm.tsx';
import { Link } from '../components/Link.tsx';
import { Time, Unavailable } from '../components/Field.tsx';
import { loadDirectory, roleName, userName, type Directory } from '../directory.ts';
import { matches } from '../logic/filter.ts';
import { TOKEN_STATUSES, tokenStatus, type TokenStatus } from '../logic/status.ts';
import { navigate } from '../router.ts';
import { useSession } from '../state.ts';
import type { TokenAttributes } from '../types.ts';
import { errorText, useLoad } from '../useLoad.ts';

type Token = Resource<TokenAttributes>;
type Bulk = 'disable' | 'enable' | 'delete';

const FIRST_SLICE = 100;
const NEXT_SLICE = 300;

export function surfaces(t: TokenAttributes): string {
  const list = [t.can_access_cma && 'CMA', t.can_access_cda && 'CDA', t.can_access_cda_preview && 'CDA drafts'].filter(Boolean);
  return list.length === 0 ? 'none' : list.join(', ');
}

/** Names of the root nodes the tokens name, in one request; ids alone when the token may not read items. */
async function nodeNames(tokens: Token[], mayRead: boolean): Promise<Map<string, string>> {
  const ids = [...new Set(tokens.flatMap((t) => relIds(t, 'root_nodes')))];
  if (!mayRead || ids.length === 0) return new Map();
  const doc = await api<Resource<Record<string, unknown>>[]>('GET', `/items${query({ 'filter[ids]': ids.slice(0, 500).join(','), 'page[limit]': 500 })}`).catch(
    () => null,
  );
  return new Map((doc?.data ?? []).map((item) => [item.id, itemLabel(item)]));
}

export function TokensPage() {
  const { can } = useSession();
  const [loaded, reload] = useLoad(async () => {
    const [tokens, directory] = await Promise.all([api<Token[]>('GET', '/access_tokens').then((d) => d.data), loadDirectory(can)]);
    return { tokens, directory, nodes: await nodeNames(tokens, can.may('items.list')) };
  }, 'tokens');
  return (
    <section>
      <div class="page-head">
        <h1>API tokens</h1>
        {can.may('access_tokens.create') ? (
          <button type="button" class="primary" onClick={() => navigate('/tokens/new')}>
            New API token
          </button>
        ) : (
          <button type="button" class="primary" disabled title={can.why('access_tokens.create') ?? ''}>
            New API token
          </button>
        )}
      </div>
      <Unavailable why={can.why('access_tokens.create')} />
      {loaded.state === 'loading' && <p class="loading">Loading tokens…</p>}
      {loaded.state === 'error' && (
        <p role="alert" class="field-error">
          {loaded.message}
        </p>
      )}
      {loaded.state === 'ready' && <TokenTable tokens={loaded.value.tokens} directory={loaded.value.directory} nodes={loaded.value.nodes} reload={reload} />}
    </section>
  );
}

function TokenTable(props: { tokens: Token[]; directory: Directory; nodes: Map<string, string>; reload: () => void }) {
  const { can, me } = useSession();
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<TokenStatus | ''>('');
  const [roleId, setRoleId] = useState('');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [bulk, setBulk] = useState<Bulk | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const now = Date.now();
  const visible = useMemo(
    () => props.tokens.filter((t) => matches({ ...t.attributes, roleId: relId(t, 'role') }, { search, status, roleId }, now)),
    [props.tokens, search, status, roleId],
  );
  const chosen = visible.filter((t) => selected.has(t.id));
  // Long lists are rendered in slices, one per frame: the first screen shows at once and the
  // page stays responsive while a thousand rows are added behind it.
  const [shown, setShown] = useState(FIRST_SLICE);
  useEffect(() => setShown(FIRST_SLICE), [visible]);
  useEffect(() => {
    if (shown >= visible.length) return;
    const frame = requestAnimationFrame(() => setShown((n) => n + NEXT_SLICE));
    return () => cancelAnimationFrame(frame);
  }, [shown, visible]);
  const mayWrite = can.may('access_tokens.update');

  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };

  const runBulk = async (action: Bulk) => {
    setBusy(true);
    const failures: string[] = [];
    for (const token of chosen) {
      try {
        if (action === 'delete') await api('DELETE', `/access_tokens/${token.id}`);
        else await api('PUT', `/access_tokens/${token.id}`, { data: { type: 'access_token', id: token.id, attributes: { enabled: action === 'enable' } } });
      } catch (caught) {
        failures.push(`${token.attributes.name}: ${errorText(caught)}`);
      }
    }
    setBusy(false);
    setBulk(null);
    setSelected(new Set());
    setError(failures.length ? failures.join('; ') : null);
    props.reload();
  };

  return (
    <>
      <div class="filters" role="search">
        <label>
          Search by name
          <input type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value as TokenStatus | '')}>
            <option value="">Any status</option>
            {TOKEN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Role
          <select value={roleId} onChange={(e) => setRoleId(e.currentTarget.value)}>
            <option value="">Any role</option>
            {props.directory.roles.map((r) => (
              <option key={r.id} value={r.id}>
                {r.attributes.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div class="bulk" aria-label="Bulk actions" role="group">
        <span>{chosen.length} selected</span>
        {(['disable', 'enable', 'delete'] as const).map((action) => (
          <button key={action} type="button" disabled={chosen.length === 0 || !mayWrite} onClick={() => setBulk(action)}>
            {action === 'disable' ? 'Disable selected' : action === 'enable' ? 'Enable selected' : 'Delete selected'}
          </button>
        ))}
      </div>
      {error && (
        <p role="alert" class="field-error">
          {error}
        </p>
      )}
      <p class="count">
        {visible.length} of {props.tokens.length} tokens
      </p>
      <div class="table-wrap">
        <table class="tokens">
          <thead>
            <tr>
              <th scope="col">
                <span class="sr-only">Select</span>
              </th>
              <th scope="col">Name</th>
              <th scope="col">Role or base user</th>
              <th scope="col">Surfaces</th>
              <th scope="col">Permissions</th>
              <th scope="col">Scope</th>
              <th scope="col">Status</th>
              <th scope="col">Last CMA use</th>
              <th scope="col">Last CDA use</th>
              <th scope="col">Expires</th>
            </tr>
          </thead>
          <tbody>
            {visible.slice(0, shown).map((token) => {
              const a = token.attributes;
              const role = relId(token, 'role');
              const roots = relIds(token, 'root_nodes');
              const state = tokenStatus(a, now);
              return (
                <tr key={token.id}>
                  <td class="select">
                    <input
                      type="checkbox"
                      aria-label={`Select ${a.name}`}
                      checked={selected.has(token.id)}
                      disabled={token.id === me.id}
                      onChange={() => toggle(token.id)}
                    />
                  </td>
                  <th scope="row">
                    <Link to={`/tokens/${token.id}`}>{a.name}</Link>
                    <span class="key">{a.display_key}</span>
                  </th>
                  <td data-label="Role or user">
                    {role !== null ? roleName(props.directory, role) : `User: ${userName(props.directory, relId(token, 'user'))}`}
                  </td>
                  <td data-label="Surfaces">{surfaces(a)}</td>
                  <td data-label="Permissions" class="mono">
                    {a.permissions.join(', ')}
                  </td>
                  <td data-label="Scope">{roots.length === 0 ? 'everything' : roots.map((id) => props.nodes.get(id) ?? `#${id}`).join(', ')}</td>
                  <td data-label="Status">
                    <span class={`status status-${state.replace(' ', '-')}`}>{state}</span>
                  </td>
                  <td data-label="Last CMA use">
                    <Time iso={a.last_cma_access_at} bucket={a.last_cma_access} />
                  </td>
                  <td data-label="Last CDA use">
                    <Time iso={a.last_cda_access_at} bucket={a.last_cda_access} />
                  </td>
                  <td data-label="Expires">{a.expires_at === null ? 'never' : <Time iso={a.expires_at} bucket={a.expires_at.slice(0, 10)} />}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {bulk && (
        <Confirm
          title={`${bulk[0]?.toUpperCase()}${bulk.slice(1)} ${chosen.length} token${chosen.length === 1 ? '' : 's'}?`}
          busy={busy}
          onCancel={() => setBulk(null)}
          onConfirm={() => void runBulk(bulk)}
        >
          <ul class="confirm-list">
            {chosen.map((t) => (
              <li key={t.id}>{t.attributes.name}</li>
            ))}
          </ul>
          {bulk === 'delete' && <p>Deleted tokens stop working at once; this cannot be undone.</p>}
        </Confirm>
      )}
    </>
  );
}

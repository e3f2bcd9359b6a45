import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError, SESSION_ENDED, type Resource } from './api.ts';
import { capabilities } from './logic/access.ts';
import { clearToken, getToken, setToken } from './session.ts';
import { SessionContext, type EffectiveAccess, type Session } from './state.ts';
import type { SiteAttributes, TokenAttributes } from './types.ts';
import { navigate, usePath } from './router.ts';
import { SignIn } from './pages/SignIn.tsx';
import { Shell } from './pages/Shell.tsx';
import { errorText } from './useLoad.ts';

interface Signed {
  readonly me: Resource<TokenAttributes>;
  readonly access: EffectiveAccess;
  readonly site: SiteAttributes | null;
}

async function loadSession(token: string): Promise<Signed> {
  const me = await api<Resource<TokenAttributes>>('GET', '/users/me', undefined, token);
  const access = me.data.meta?.effective_access as EffectiveAccess;
  const mayReadSite = access.endpoints.allowed.includes('site.find');
  const site = mayReadSite ? (await api<Resource<SiteAttributes>>('GET', '/site', undefined, token)).data.attributes : null;
  return { me: me.data, access, site };
}

export function App() {
  const path = usePath();
  const [signed, setSigned] = useState<Signed | null>(null);
  const [restoring, setRestoring] = useState(getToken() !== null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const ended = () => {
      clearToken();
      setSigned(null);
      setError('Your API token is no longer accepted (disabled, expired, rotated or deleted). Sign in again.');
    };
    window.addEventListener(SESSION_ENDED, ended);
    return () => window.removeEventListener(SESSION_ENDED, ended);
  }, []);

  useEffect(() => {
    const stored = getToken();
    if (stored === null) return;
    loadSession(stored)
      .then(setSigned, () => clearToken())
      .finally(() => setRestoring(false));
  }, []);

  const signIn = async (token: string) => {
    setError(null);
    try {
      const loaded = await loadSession(token);
      setToken(token);
      setSigned(loaded);
      if (path === '/') navigate('/tokens');
    } catch (caught) {
      setError(caught instanceof ApiError && caught.body.status === 401 ? 'This API token was not accepted.' : errorText(caught));
    }
  };

  const session = useMemo<Session | null>(
    () =>
      signed && {
        ...signed,
        can: capabilities(signed.access.endpoints),
        signOut: () => {
          clearToken();
          setSigned(null);
          navigate('/');
        },
      },
    [signed],
  );

  if (restoring) return <p class="loading">Loading…</p>;
  if (!session) return <SignIn onSignIn={signIn} error={error} />;
  return (
    <SessionContext.Provider value={session}>
      <Shell path={path} />
    </SessionContext.Provider>
  );
}

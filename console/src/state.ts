/** The signed-in session: the caller (`/users/me`), what it may do, and the project settings. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Capabilities, EndpointAccess } from './logic/access.ts';
import type { Resource } from './api.ts';
import type { SiteAttributes, TokenAttributes } from './types.ts';

export interface EffectiveAccess {
  readonly permissions: string[];
  readonly permission_strings: string[];
  readonly root_nodes: string[];
  readonly role: { id: string; name: string } | null;
  readonly endpoints: EndpointAccess;
}

export interface Session {
  readonly me: Resource<TokenAttributes>;
  readonly access: EffectiveAccess;
  readonly can: Capabilities;
  /** null when the token may not read the project settings. */
  readonly site: SiteAttributes | null;
  signOut(): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  // Pages render only inside a signed-in session; reaching this is a wiring bug.
  if (!session) throw new Error('useSession outside a session');
  return session;
}

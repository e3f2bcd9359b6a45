/**
 * What the signed-in token may do, from `GET /users/me` `meta.effective_access.endpoints`: the
 * console shows the controls of refused endpoints as unavailable, with the reason, not as errors.
 */
export interface EndpointAccess {
  readonly allowed: readonly string[];
  readonly denied: Readonly<Record<string, { readonly layer: string; readonly reason: string }>>;
}

export interface Capabilities {
  may(endpoint: string): boolean;
  /** Why an endpoint is refused, in words; null when allowed. */
  why(endpoint: string): string | null;
}

export function capabilities(access: EndpointAccess): Capabilities {
  const allowed = new Set(access.allowed);
  return {
    may: (endpoint) => allowed.has(endpoint),
    why: (endpoint) => {
      if (allowed.has(endpoint)) return null;
      const denied = access.denied[endpoint];
      return denied ? `Your token may not do this (${denied.layer}: ${denied.reason.replaceAll('_', ' ')})` : 'Your token may not do this';
    },
  };
}

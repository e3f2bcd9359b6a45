/**
 * @module
 * `allowed_origins`: origin binding for tokens that live in a browser. A token with a list is
 * refused (403, layer `origin`) on any request whose `Origin` header is not on it: exact origins
 * (`https://app.example.com`, `http://localhost:3000`) and subdomain patterns
 * (`https://*.example.com`: any subdomain, not `example.com` itself). No list (null, the default)
 * means any origin; an empty list means no browser origin at all. A request without an `Origin`
 * header (a server, a script) is not a browser call and is not judged here: origin binding keeps a
 * token copied into another site's front end from working there, it is not a secret.
 *
 * A token with a list can only create tokens whose origins it covers. The CORS answers name only
 * the token's origins (`http/cors.ts`).
 */
import { ApiProblem } from '../errors.ts';
import { excessIf, forbidden, restriction, type Restriction } from './restriction.ts';

interface OriginPattern {
  readonly protocol: string;
  /** The host after `*.`: a request host must end in `.${suffix}`. */
  readonly suffix: string;
  readonly port: string;
}

export interface CompiledOrigins {
  /** Normalised exact origins (`https://app.example.com`, default port left out). */
  readonly exact: ReadonlySet<string>;
  readonly patterns: readonly OriginPattern[];
}

const WILDCARD = /^(https?):\/\/\*\.(.+)$/;

/** `scheme://host[:port]` with nothing else, normalised as browsers send it; null if it is not one. */
function parseOrigin(text: string): { readonly protocol: string; readonly hostname: string; readonly port: string } | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password || url.search || url.hash || url.pathname !== '/' || text.endsWith('/')) return null;
  if (url.hostname === '' || url.hostname.includes('*')) return null;
  return { protocol: url.protocol, hostname: url.hostname, port: url.port };
}

const originText = (o: { protocol: string; hostname: string; port: string }) => `${o.protocol}//${o.hostname}${o.port ? `:${o.port}` : ''}`;

function parsePattern(entry: string): OriginPattern | null {
  const match = WILDCARD.exec(entry);
  if (!match) return null;
  // Parsed as the origin of its first possible subdomain, so the host and port obey the same rules.
  const parsed = parseOrigin(`${match[1]}://x.${match[2]}`);
  if (!parsed) return null;
  const suffix = parsed.hostname.slice(2);
  // `*.com` would bind a token to a whole top-level domain: at least two labels after the star.
  if (!suffix.includes('.')) return null;
  return { protocol: parsed.protocol, suffix, port: parsed.port };
}

/** Entries that are neither an origin nor a `scheme://*.domain` pattern, for a clear INVALID_FIELD. */
export function invalidOrigins(entries: readonly string[]): string[] {
  return entries.filter((e) => typeof e !== 'string' || (parseOrigin(e) === null && parsePattern(e) === null));
}

export function compileOrigins(entries: readonly string[]): CompiledOrigins {
  const exact = new Set<string>();
  const patterns: OriginPattern[] = [];
  for (const entry of entries) {
    const origin = parseOrigin(entry);
    if (origin) exact.add(originText(origin));
    else {
      const pattern = parsePattern(entry);
      if (pattern) patterns.push(pattern);
    }
  }
  return { exact, patterns };
}

const patternMatches = (pattern: OriginPattern, origin: { protocol: string; hostname: string; port: string }) =>
  pattern.protocol === origin.protocol && pattern.port === origin.port && origin.hostname.endsWith(`.${pattern.suffix}`);

/** Whether a request's `Origin` header is on the list. `null` (the opaque origin) never is. */
export function originAdmitted(list: CompiledOrigins, origin: string): boolean {
  // Browsers send origins already normalised: the common case is one set lookup.
  if (list.exact.has(origin)) return true;
  const parsed = parseOrigin(origin);
  if (parsed === null) return false;
  return list.exact.has(originText(parsed)) || list.patterns.some((p) => patternMatches(p, parsed));
}

/** Whether every entry of `entries` is covered by `outer`; null (any origin) fits only inside no list. */
export function originsWithin(entries: readonly string[] | null, outer: CompiledOrigins | null): boolean {
  if (outer === null) return true;
  if (entries === null) return false;
  const inner = compileOrigins(entries);
  const exactCovered = [...inner.exact].every((origin) => originAdmitted(outer, origin));
  const patternsCovered = inner.patterns.every((p) =>
    outer.patterns.some((o) => o.protocol === p.protocol && o.port === p.port && (p.suffix === o.suffix || p.suffix.endsWith(`.${o.suffix}`))),
  );
  return exactCovered && patternsCovered;
}

export const allowedOrigins: Restriction<'origin', { readonly allowedOrigins: CompiledOrigins | null }> = restriction({
  name: 'allowed_origins',
  layer: 'origin',
  stage: 'request',
  validate(grants) {
    if (!grants.allowedOrigins) return;
    const invalid = invalidOrigins(grants.allowedOrigins);
    if (invalid.length > 0) {
      throw new ApiProblem('INVALID_FIELD', {
        field: 'allowed_origins',
        message: `Not an origin (scheme://host[:port]) or a pattern (https://*.example.com): ${invalid.join(', ')}`,
        invalid,
      });
    }
  },
  compile: (token) => ({ allowedOrigins: token.allowedOrigins ? compileOrigins(token.allowedOrigins) : null }),
  admit(principal, request) {
    const list = principal.allowedOrigins;
    if (list === null || request.origin == null || originAdmitted(list, request.origin)) return null;
    return forbidden('origin', 'origin_not_allowed', { origin: request.origin });
  },
  inert: (principal) => principal.allowedOrigins === null,
  exceeds: (caller, grants) => excessIf(!originsWithin(grants.allowedOrigins, caller.allowedOrigins), 'allowed_origins'),
  explain: (principal, facts) => ({
    origin: facts.origin !== null ? 'checked' : principal.allowedOrigins === null ? 'no_allowed_origins' : 'not_checked',
  }),
});

/** The tokens table's search and filters, apart from the page so they can be tested alone. */
import { tokenStatus, type TokenStatus } from './status.ts';

export interface FilterableToken {
  readonly name: string;
  readonly enabled: boolean;
  readonly expires_at: string | null;
  readonly roleId: string | null;
}

export interface TokenFilter {
  readonly search: string;
  readonly status: TokenStatus | '';
  readonly roleId: string;
}

export function matches(token: FilterableToken, filter: TokenFilter, now: number): boolean {
  if (filter.search.trim() !== '' && !token.name.toLowerCase().includes(filter.search.trim().toLowerCase())) return false;
  if (filter.status !== '' && tokenStatus(token, now) !== filter.status) return false;
  if (filter.roleId !== '' && token.roleId !== filter.roleId) return false;
  return true;
}

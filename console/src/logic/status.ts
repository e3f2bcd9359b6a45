/** A token's status as the console shows it; computed from the attributes the API returns. */
export type TokenStatus = 'enabled' | 'disabled' | 'expired' | 'expiring soon';

export const TOKEN_STATUSES: readonly TokenStatus[] = ['enabled', 'disabled', 'expired', 'expiring soon'];

/** A token that ends within a week shows up early enough to be renewed before anything breaks. */
export const EXPIRING_SOON_MS = 7 * 24 * 60 * 60 * 1000;

export interface StatusInput {
  readonly enabled: boolean;
  readonly expires_at: string | null;
}

/** Disabled wins over expired: re-enabling an expired token would not help, but it is what was done to it. */
export function tokenStatus(token: StatusInput, now: number): TokenStatus {
  if (!token.enabled) return 'disabled';
  if (token.expires_at === null) return 'enabled';
  const end = Date.parse(token.expires_at);
  if (Number.isNaN(end)) return 'enabled';
  if (end <= now) return 'expired';
  if (end - now <= EXPIRING_SOON_MS) return 'expiring soon';
  return 'enabled';
}

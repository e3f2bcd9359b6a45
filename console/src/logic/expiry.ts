/** Expiry presets of the token form (Strapi's durations, plus a custom date and "never"). */
export type ExpiryPreset = '7' | '30' | '90' | 'custom' | 'never';

export const EXPIRY_PRESETS: readonly { readonly value: ExpiryPreset; readonly label: string }[] = [
  { value: '7', label: '7 days' },
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
  { value: 'custom', label: 'Custom date' },
  { value: 'never', label: 'Never' },
];

const DAY_MS = 24 * 60 * 60 * 1000;

export type ExpiryResult = { readonly ok: true; readonly expiresAt: string | null } | { readonly ok: false; readonly message: string };

/**
 * The `expires_at` to send. A custom date (`YYYY-MM-DD` from a date input) means the end of that
 * day in UTC, so a token "valid until the 3rd" works all through the 3rd wherever its users are.
 */
export function expiresAtFor(preset: ExpiryPreset, customDate: string, now: number): ExpiryResult {
  switch (preset) {
    case 'never':
      return { ok: true, expiresAt: null };
    case '7':
    case '30':
    case '90':
      return { ok: true, expiresAt: new Date(now + Number(preset) * DAY_MS).toISOString() };
    case 'custom': {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(customDate)) return { ok: false, message: 'Choose a date' };
      const end = Date.parse(`${customDate}T23:59:59.000Z`);
      if (Number.isNaN(end)) return { ok: false, message: 'Choose a valid date' };
      if (end <= now) return { ok: false, message: 'The date must be in the future' };
      return { ok: true, expiresAt: new Date(end).toISOString() };
    }
  }
}

/** Grace periods offered when rotating (Unkey's set), in seconds; `custom` takes minutes. */
export type GraceChoice = '0' | '900' | '3600' | '86400' | 'custom';

export const GRACE_CHOICES: readonly { readonly value: GraceChoice; readonly label: string }[] = [
  { value: '0', label: 'Immediately' },
  { value: '900', label: '15 minutes' },
  { value: '3600', label: '1 hour' },
  { value: '86400', label: '24 hours' },
  { value: 'custom', label: 'Custom' },
];

export function graceSeconds(choice: GraceChoice, customMinutes: string): number | null {
  if (choice !== 'custom') return Number(choice);
  if (!/^\d{1,6}$/.test(customMinutes.trim())) return null;
  return Number(customMinutes.trim()) * 60;
}

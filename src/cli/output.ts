/**
 * @module
 * What the CLI prints. Secrets are written to stdout only where the spec says they are shown:
 * the first start, and the offline `tokens create` / `tokens rotate` commands.
 */
import type { AccessToken } from '../core/model.ts';

export function printFactorySecrets(created: { admin: string; readonly: string }, seeded: boolean): void {
  const lines = seeded
    ? ['Project initialised with the factory tokens from LATCHKEY_BOOTSTRAP_*_TOKEN.']
    : [
        '',
        '  Project initialised. These are your factory API tokens; they are shown this once.',
        '',
        `  Full-access API token (CMA + CDA + preview):  ${created.admin}`,
        `  Read-only API token   (CDA, published only):  ${created.readonly}`,
        '',
        '  Store them now; rotate them with POST /access_tokens/:id/regenerate_token.',
        '',
      ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Where people manage tokens in a browser; signing in there takes one of the tokens above. */
export function printConsoleLink(base: string): void {
  process.stdout.write(`Web console: ${base}/admin (sign in with an API token that may use the CMA)\n`);
}

export function tokenRow(token: AccessToken): string {
  const surfaces = [token.canAccessCma && 'cma', token.canAccessCda && 'cda', token.canAccessCdaPreview && 'preview'].filter(Boolean).join('+');
  const base = token.roleId ? `role ${token.roleId}` : `user ${token.userId}`;
  const state = token.enabled ? 'enabled' : 'disabled';
  return [token.id.padStart(4), token.displayKey.padEnd(14), state.padEnd(8), (surfaces || '-').padEnd(16), base.padEnd(10), token.name].join('  ');
}

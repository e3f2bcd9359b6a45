/**
 * @module
 * First start: the Admin role and the two factory tokens. Idempotent: a project that already has
 * its site row is left untouched, so a restart never mints or prints a secret. The caller runs it
 * in one transaction that concurrent first starts take in turn (the runtime's setup lock): the
 * first creates everything, the others find the site row and do nothing.
 */
import { newTokenGrants } from './model.ts';
import type { Store } from './ports.ts';
import { adminRoleAttributes } from './roles.ts';
import { createToken, type TokenDeps } from './tokens.ts';
import { SYSTEM_CONTEXT } from './audit.ts';

export interface BootstrapResult {
  /** Only on the very first start: the factory secrets, to print once. */
  readonly created: null | { readonly admin: string; readonly readonly: string };
}

export async function initProject(
  deps: { store: Store; tokens: TokenDeps; now: () => string },
  options: { siteName?: string; adminSecret?: string; readonlySecret?: string } = {},
): Promise<BootstrapResult> {
  const { store, tokens } = deps;
  if (await store.getSite()) return { created: null };
  const role = await store.createRole({ name: 'Admin', attributes: adminRoleAttributes(), inheritsFrom: [] }, deps.now());
  const readonly = await createToken(
    tokens,
    newTokenGrants({ roleId: role.id, name: 'Read-only API token', canAccessCda: true, canAccessCdaPreview: false, canAccessCma: false }),
    null,
    SYSTEM_CONTEXT,
    { hardcodedType: 'readonly', ...(options.readonlySecret ? { secret: options.readonlySecret } : {}) },
  );
  const admin = await createToken(
    tokens,
    newTokenGrants({ roleId: role.id, name: 'Full-access API token', canAccessCda: true, canAccessCdaPreview: true, canAccessCma: true }),
    null,
    SYSTEM_CONTEXT,
    { hardcodedType: 'admin', ...(options.adminSecret ? { secret: options.adminSecret } : {}) },
  );
  // The site row goes last: it marks the project as initialised.
  await store.initSite({ name: options.siteName ?? 'Latchkey project', timeZone: 'UTC' }, deps.now());
  return { created: { admin: admin.secret, readonly: readonly.secret } };
}

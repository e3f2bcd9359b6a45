/**
 * @module
 * Token use cases: create, update, rotate, delete, each enforcing the seeds' rules (factory tokens
 * are not editable, a token cannot delete itself, no token grants more than its creator holds). A
 * caller acts on an existing token (update, enable, disable, rotate, delete) only when that token
 * holds nothing the caller lacks.
 */
import { ApiProblem, notFound } from './errors.ts';
import type { AccessToken, HardcodedType, Principal, SecretMode, TokenGrants } from './model.ts';
import type { Clock, Store } from './ports.ts';
import { displayKey, generateSecret, hashSecret, type RandomBytes } from './secret.ts';
import { sealSecret, type KeyRing } from './secret-box.ts';
import { assertWithinCaller } from './escalation.ts';
import { RESTRICTIONS } from './restrictions/index.ts';
import { auditEvent, diff, type AuditAction, type AuditChanges, type RequestContext } from './audit.ts';
import { auditedGrants, pickGrants } from './grants.ts';
import type { Creator } from './content/model.ts';

/** What the token use cases need; built once by the composition root (per transaction at first start). */
export interface TokenDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly keyRing: KeyRing;
  readonly secretMode: SecretMode;
  readonly random: RandomBytes;
}

export type { TokenGrants } from './model.ts';

export type TokenUpdate = Partial<TokenGrants>;

export interface Destination {
  readonly type: 'account' | 'organization' | 'user' | 'access_token' | 'sso_user';
  readonly id: string;
}

/** A token together with a secret that was just minted (create, rotate): shown exactly then. */
export interface IssuedToken {
  readonly token: AccessToken;
  readonly secret: string;
}

export interface CreateTokenOptions {
  readonly hardcodedType?: HardcodedType;
  readonly secret?: string;
  /** A caller's own check (the account-token API's websites), run in the token's transaction. */
  readonly precheck?: (tx: Store) => Promise<void>;
}

// Every use case runs in one transaction with its audit entry: both commit or neither does.

export function createToken(
  deps: TokenDeps,
  grants: TokenGrants,
  caller: Principal | null,
  context: RequestContext,
  options: CreateTokenOptions = {},
): Promise<IssuedToken> {
  return deps.store.transaction(async (tx) => {
    await options.precheck?.(tx);
    validateGrants(grants);
    await validateRelations(tx, grants);
    if (caller) await assertWithinCaller(tx, caller, grants);
    const secret = options.secret ?? generateSecret(deps.random);
    const token = await tx.createToken(
      {
        ...grants,
        secretHash: hashSecret(secret),
        displayKey: displayKey(secret),
        hardcodedType: options.hardcodedType ?? null,
        createdByTokenId: caller?.token.id ?? null,
        createdAt: iso(deps),
      },
      sealer(deps, secret),
    );
    await audit(deps, tx, context, 'access_token.create', token.id, { ...auditedGrants(grantsOf(token)), hardcoded_type: token.hardcodedType });
    return { token, secret };
  });
}

export function updateToken(deps: TokenDeps, id: string, update: TokenUpdate, caller: Principal | null, context: RequestContext): Promise<AccessToken> {
  return deps.store.transaction(async (tx) => {
    const current = await load(tx, id);
    // Narrowing, disabling or renaming a token is power over it too: only a caller that holds
    // everything the token holds now may touch it (and, below, everything it will hold).
    if (caller) await assertWithinCaller(tx, caller, grantsOf(current), 'target');
    if (current.hardcodedType !== null) {
      throw new ApiProblem('NON_EDITABLE_ACCESS_TOKEN', { message: 'Factory tokens cannot be edited; rotate or delete them instead' });
    }
    const next: TokenGrants = { ...grantsOf(current), ...update };
    validateGrants(next);
    await validateRelations(tx, next, current.rootNodeIds);
    if (caller) await assertWithinCaller(tx, caller, next);
    const updated = await tx.updateToken(id, update, iso(deps));
    if (!updated) throw notFound('access_token', id);
    await auditUpdate(deps, tx, context, current, updated);
    return updated;
  });
}

/**
 * Break-glass switch for the offline CLI: unlike `updateToken`, it also reaches factory tokens,
 * since disabling a leaked factory token must not require a token that still works.
 */
export function setTokenEnabled(deps: TokenDeps, id: string, enabled: boolean, context: RequestContext): Promise<AccessToken> {
  return deps.store.transaction(async (tx) => {
    const current = await load(tx, id);
    const updated = await tx.updateToken(id, { enabled }, iso(deps));
    if (!updated) throw notFound('access_token', id);
    await auditUpdate(deps, tx, context, current, updated);
    return updated;
  });
}

/**
 * A new secret; the old one stays valid for `graceSeconds` (0: invalid at once). The caller
 * receives the new secret, so it must already hold everything the token grants.
 */
export function rotateToken(deps: TokenDeps, id: string, context: RequestContext, graceSeconds = 0, caller: Principal | null = null): Promise<IssuedToken> {
  return deps.store.transaction(async (tx) => {
    const current = await load(tx, id);
    if (caller) await assertWithinCaller(tx, caller, grantsOf(current), 'target');
    const secret = generateSecret(deps.random);
    const now = deps.clock.now();
    const previousValidUntil = graceSeconds > 0 ? new Date(now + graceSeconds * 1000).toISOString() : null;
    const token = await tx.replaceSecret(
      id,
      {
        secretHash: hashSecret(secret),
        sealedSecret: null,
        displayKey: displayKey(secret),
        rotatedAt: new Date(now).toISOString(),
        previousValidUntil,
      },
      sealer(deps, secret),
    );
    if (!token) throw notFound('access_token', id);
    await audit(deps, tx, context, 'access_token.rotate', id, { grace_period_seconds: graceSeconds, previous_valid_until: previousValidUntil });
    return { token, secret };
  });
}

/**
 * Deletes a token. What it created (records) moves to `destination` when given; `account` and
 * `organization` name the project owner, as in DatoCMS.
 */
export function destroyToken(
  deps: TokenDeps,
  id: string,
  caller: Principal | null,
  context: RequestContext,
  destination: Destination | null = null,
): Promise<AccessToken> {
  return deps.store.transaction(async (tx) => {
    const token = await load(tx, id);
    if (caller && caller.token.id === id) {
      throw new ApiProblem('CANNOT_DESTROY_CURRENT_USER', { message: 'A token cannot delete itself' });
    }
    // Deleting a token can take a stronger credential (a factory token included) away from
    // everyone who relies on it: only a caller that holds everything it holds may do it.
    if (caller) await assertWithinCaller(tx, caller, grantsOf(token), 'target');
    if (destination) await checkDestination(tx, destination, id);
    if (destination) await tx.reassignItems({ type: 'access_token', id }, creatorFor(destination));
    await tx.deleteToken(id);
    await audit(deps, tx, context, 'access_token.destroy', id, {
      ...auditedGrants(grantsOf(token)),
      hardcoded_type: token.hardcodedType,
      destination: destination ? { type: destination.type, id: destination.id } : null,
    });
    return token;
  });
}

const iso = (deps: TokenDeps): string => new Date(deps.clock.now()).toISOString();

/** Seals the secret under the token's id in `retrievable` mode; in `once` mode nothing is kept. */
const sealer = (deps: TokenDeps, secret: string) => (id: string) =>
  deps.secretMode === 'retrievable' ? sealSecret(deps.keyRing, secret, id, deps.random) : null;

async function load(s: Store, id: string): Promise<AccessToken> {
  const token = await s.findToken(id);
  if (!token) throw notFound('access_token', id);
  return token;
}

/** `knownRoots`: root nodes the token already has, kept even if their item has since gone. */
async function validateRelations(s: Store, grants: TokenGrants, knownRoots: readonly string[] = []): Promise<void> {
  if ((grants.roleId === null) === (grants.userId === null)) {
    throw new ApiProblem('INVALID_RELATIONSHIP', {
      field: 'role',
      message: 'A token is based on exactly one of a role or a user',
    });
  }
  if (grants.roleId !== null && !(await s.findRole(grants.roleId))) {
    throw new ApiProblem('INVALID_RELATIONSHIP', { field: 'role', message: `No role with id ${grants.roleId}` });
  }
  if (grants.userId !== null && !(await s.findUser(grants.userId))) {
    throw new ApiProblem('INVALID_RELATIONSHIP', { field: 'user', message: `No user with id ${grants.userId}` });
  }
  for (const id of grants.rootNodeIds) {
    if (!knownRoots.includes(id) && !(await s.findItem(id))) {
      throw new ApiProblem('INVALID_RELATIONSHIP', { field: 'root_nodes', message: `No item with id ${JSON.stringify(id)}` });
    }
  }
}

async function checkDestination(s: Store, destination: Destination, deletedId: string): Promise<void> {
  const exists =
    destination.type === 'access_token'
      ? destination.id !== deletedId && (await s.findToken(destination.id)) !== null
      : destination.type === 'user'
        ? (await s.findUser(destination.id)) !== null
        : destination.type === 'account' || destination.type === 'organization';
  if (!exists) {
    throw new ApiProblem('INVALID_DESTINATION_USER', {
      message: `No ${destination.type} with id ${JSON.stringify(destination.id)} can take over this token's records`,
    });
  }
}

function audit(deps: TokenDeps, s: Store, context: RequestContext, action: AuditAction, id: string, changes: AuditChanges) {
  return s.recordAuditEvent(auditEvent(context, iso(deps), action, { type: 'access_token', id }, changes));
}

/** Enabling and disabling are their own actions (they are what an incident review looks for). */
async function auditUpdate(deps: TokenDeps, tx: Store, context: RequestContext, before: AccessToken, after: AccessToken): Promise<void> {
  const { enabled, ...rest } = diff(auditedGrants(grantsOf(before)), auditedGrants(grantsOf(after)));
  if (enabled) await audit(deps, tx, context, after.enabled ? 'access_token.enable' : 'access_token.disable', after.id, { enabled });
  if (!enabled || Object.keys(rest).length > 0) await audit(deps, tx, context, 'access_token.update', after.id, rest);
}

export { auditedGrants } from './grants.ts';

/** The record creator a deletion destination names; `account` and `organization` are the project owner. */
function creatorFor(destination: Destination): Creator {
  switch (destination.type) {
    case 'access_token':
    case 'user':
      return { type: destination.type, id: destination.id };
    case 'account':
    case 'organization':
    case 'sso_user':
      return { type: 'account', id: destination.id };
  }
}

/** A token's grants, without its secret or history. */
export function grantsOf(token: AccessToken): TokenGrants {
  return pickGrants(token);
}

/** Value rules that a JSON schema cannot express, each restriction's own; shared by the API and the offline CLI. */
export function validateGrants(grants: Partial<TokenGrants>): void {
  for (const restriction of RESTRICTIONS) restriction.validate?.(grants);
}

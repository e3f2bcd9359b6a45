/**
 * @module
 * Token use cases: create, update, rotate, delete, each enforcing the seeds' rules (factory tokens
 * are not editable, a token cannot delete itself, no token grants more than its creator holds).
 */
import { ApiProblem, notFound } from './errors.ts';
import type { AccessToken, HardcodedType, Principal, RateLimitOverride, SecretMode } from './model.ts';
import type { Clock, Store } from './ports.ts';
import { displayKey, generateSecret, hashSecret, type RandomBytes } from './secret.ts';
import { sealSecret, type KeyRing } from './secret-box.ts';
import { assertWithinCaller } from './escalation.ts';
import { unknownGrants } from './permissions.ts';
import { invalidCidrs } from './ip.ts';
import type { Creator } from './content/model.ts';

export interface TokenServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly keyRing: KeyRing;
  readonly secretMode: SecretMode;
  readonly random: RandomBytes;
}

/** The full desired state of a token's grants, after defaults and patch merging. */
export interface TokenGrants {
  readonly name: string;
  readonly canAccessCda: boolean;
  readonly canAccessCdaPreview: boolean;
  readonly canAccessCma: boolean;
  readonly roleId: string | null;
  readonly userId: string | null;
  readonly permissions: readonly string[];
  readonly rootNodeIds: readonly string[];
  readonly enabled: boolean;
  readonly expiresAt: string | null;
  readonly ipAllowlist: readonly string[] | null;
  readonly rateLimit: RateLimitOverride | null;
}

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

export function createTokenService(deps: TokenServiceDeps) {
  const { store, clock, keyRing, secretMode, random } = deps;
  const iso = () => new Date(clock.now()).toISOString();
  const sealer = (secret: string) => (id: string) =>
    secretMode === 'retrievable' ? sealSecret(keyRing, secret, id, random) : null;

  async function load(id: string): Promise<AccessToken> {
    const token = await store.findToken(id);
    if (!token) throw notFound('access_token', id);
    return token;
  }

  async function validateRelations(grants: TokenGrants): Promise<void> {
    if ((grants.roleId === null) === (grants.userId === null)) {
      throw new ApiProblem('INVALID_RELATIONSHIP', {
        field: 'role',
        message: 'A token is based on exactly one of a role or a user',
      });
    }
    if (grants.roleId !== null && !(await store.findRole(grants.roleId))) {
      throw new ApiProblem('INVALID_RELATIONSHIP', { field: 'role', message: `No role with id ${grants.roleId}` });
    }
    if (grants.userId !== null && !(await store.findUser(grants.userId))) {
      throw new ApiProblem('INVALID_RELATIONSHIP', { field: 'user', message: `No user with id ${grants.userId}` });
    }
    for (const id of grants.rootNodeIds) {
      if (!(await store.findItem(id))) throw new ApiProblem('INVALID_RELATIONSHIP', { field: 'root_nodes', message: `No item with id ${id}` });
    }
  }

  async function checkDestination(destination: Destination, deletedId: string): Promise<void> {
    const exists =
      destination.type === 'access_token'
        ? destination.id !== deletedId && (await store.findToken(destination.id)) !== null
        : destination.type === 'user'
          ? (await store.findUser(destination.id)) !== null
          : destination.type === 'account' || destination.type === 'organization';
    if (!exists) {
      throw new ApiProblem('INVALID_DESTINATION_USER', {
        message: `No ${destination.type} with id ${JSON.stringify(destination.id)} can take over this token's records`,
      });
    }
  }

  return {
    async create(
      grants: TokenGrants,
      caller: Principal | null,
      options: { hardcodedType?: HardcodedType; secret?: string } = {},
    ): Promise<IssuedToken> {
      validateGrants(grants);
      await validateRelations(grants);
      if (caller) await assertWithinCaller(store, caller, grants);
      const secret = options.secret ?? generateSecret(random);
      const token = await store.createToken(
        {
          ...grants,
          secretHash: hashSecret(secret),
          displayKey: displayKey(secret),
          hardcodedType: options.hardcodedType ?? null,
          createdByTokenId: caller?.token.id ?? null,
          createdAt: iso(),
        },
        sealer(secret),
      );
      return { token, secret };
    },

    async update(id: string, update: TokenUpdate, caller: Principal | null): Promise<AccessToken> {
      const current = await load(id);
      if (current.hardcodedType !== null) {
        throw new ApiProblem('NON_EDITABLE_ACCESS_TOKEN', { message: 'Factory tokens cannot be edited; rotate or delete them instead' });
      }
      const next: TokenGrants = { ...grantsOf(current), ...update };
      validateGrants(next);
      await validateRelations(next);
      if (caller) await assertWithinCaller(store, caller, next);
      const updated = await store.updateToken(id, update, iso());
      if (!updated) throw notFound('access_token', id);
      return updated;
    },

    async rotate(id: string, graceSeconds = 0): Promise<IssuedToken> {
      await load(id);
      const secret = generateSecret(random);
      const now = clock.now();
      const token = await store.replaceSecret(
        id,
        {
          secretHash: hashSecret(secret),
          sealedSecret: null,
          displayKey: displayKey(secret),
          rotatedAt: new Date(now).toISOString(),
          previousValidUntil: graceSeconds > 0 ? new Date(now + graceSeconds * 1000).toISOString() : null,
        },
        sealer(secret),
      );
      if (!token) throw notFound('access_token', id);
      return { token, secret };
    },

    /**
     * Deletes a token. What it created (records) moves to `destination` when given; `account` and
     * `organization` name the project owner, as in DatoCMS.
     */
    async destroy(id: string, caller: Principal | null, destination: Destination | null = null): Promise<AccessToken> {
      const token = await load(id);
      if (caller && caller.token.id === id) {
        throw new ApiProblem('CANNOT_DESTROY_CURRENT_USER', { message: 'A token cannot delete itself' });
      }
      if (destination) await checkDestination(destination, id);
      await store.transaction(async (tx) => {
        if (destination) await tx.reassignItems({ type: 'access_token', id }, creatorFor(destination));
        await tx.deleteToken(id);
      });
      return token;
    },
  };
}

export type TokenService = ReturnType<typeof createTokenService>;

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

export function grantsOf(token: AccessToken): TokenGrants {
  return {
    name: token.name,
    canAccessCda: token.canAccessCda,
    canAccessCdaPreview: token.canAccessCdaPreview,
    canAccessCma: token.canAccessCma,
    roleId: token.roleId,
    userId: token.userId,
    permissions: token.permissions,
    rootNodeIds: token.rootNodeIds,
    enabled: token.enabled,
    expiresAt: token.expiresAt,
    ipAllowlist: token.ipAllowlist,
    rateLimit: token.rateLimit,
  };
}

/** Value rules that a JSON schema cannot express; shared by the API and the offline CLI. */
export function validateGrants(grants: Partial<TokenGrants>): void {
  if (grants.permissions) {
    const unknown = unknownGrants(grants.permissions);
    if (unknown.length > 0) {
      throw new ApiProblem('INVALID_FIELD', {
        field: 'permissions',
        code: 'VALIDATION_INCLUSION',
        message: `Unknown permission strings: ${unknown.join(', ')}`,
        unknown,
      });
    }
  }
  if (grants.ipAllowlist) {
    const invalid = invalidCidrs(grants.ipAllowlist);
    if (invalid.length > 0) {
      throw new ApiProblem('INVALID_FIELD', { field: 'ip_allowlist', message: `Not an IP address or CIDR: ${invalid.join(', ')}`, invalid });
    }
  }
  if (grants.expiresAt != null && Number.isNaN(Date.parse(grants.expiresAt))) {
    throw new ApiProblem('INVALID_FIELD', { field: 'expires_at', message: 'Not a date-time' });
  }
}

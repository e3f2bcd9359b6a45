/**
 * @module
 * Access-token queries.
 */
import type { AccessTokenPatch, AccessRecord, NewAccessToken, SecretReplacement, TokenStore } from '../core/ports.ts';
import type { AccessToken } from '../core/model.ts';
import { bool, json, optionalJson, rowId, toAccessToken } from './rows.ts';
import type { SqlContext } from './sql-context.ts';
import type { AccessTokenTable } from './schema.ts';
import type { Updateable } from 'kysely';

function patchColumns(patch: AccessTokenPatch): Updateable<AccessTokenTable> {
  const row: Updateable<AccessTokenTable> = {};
  if (patch.name !== undefined) row.name = patch.name;
  if (patch.canAccessCda !== undefined) row.can_access_cda = bool(patch.canAccessCda);
  if (patch.canAccessCdaPreview !== undefined) row.can_access_cda_preview = bool(patch.canAccessCdaPreview);
  if (patch.canAccessCma !== undefined) row.can_access_cma = bool(patch.canAccessCma);
  if (patch.roleId !== undefined) row.role_id = patch.roleId === null ? null : Number(patch.roleId);
  if (patch.userId !== undefined) row.user_id = patch.userId === null ? null : Number(patch.userId);
  if (patch.permissions !== undefined) row.permissions = json(patch.permissions);
  if (patch.rootNodeIds !== undefined) row.root_node_ids = json(patch.rootNodeIds);
  if (patch.enabled !== undefined) row.enabled = bool(patch.enabled);
  if (patch.expiresAt !== undefined) row.expires_at = patch.expiresAt;
  if (patch.ipAllowlist !== undefined) row.ip_allowlist = optionalJson(patch.ipAllowlist);
  if (patch.rateLimit !== undefined) row.rate_limit = optionalJson(patch.rateLimit);
  if (patch.sealedSecret !== undefined) row.sealed_secret = patch.sealedSecret;
  return row;
}

export function tokenQueries(ctx: SqlContext): TokenStore {
  const { db } = ctx;
  const byId = async (id: number): Promise<AccessToken | null> => {
    const row = await db.selectFrom('access_tokens').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toAccessToken(row) : null;
  };

  return {
    async listTokens() {
      const rows = await db.selectFrom('access_tokens').selectAll().orderBy('id').execute();
      return rows.map(toAccessToken);
    },

    async findToken(id) {
      const key = rowId(id);
      return key === null ? null : byId(key);
    },

    async findTokenBySecretHash(hash, nowIso) {
      const row = await db.selectFrom('access_tokens').selectAll().where('secret_hash', '=', hash).executeTakeFirst();
      if (row) return toAccessToken(row);
      const previous = await db
        .selectFrom('previous_secrets')
        .select(['token_id', 'valid_until'])
        .where('secret_hash', '=', hash)
        .where('valid_until', '>', nowIso)
        .executeTakeFirst();
      const token = previous ? await byId(previous.token_id) : null;
      return token && previous ? { ...token, graceUntil: previous.valid_until } : null;
    },

    async createToken(token: NewAccessToken, seal) {
      const inserted = await db
        .insertInto('access_tokens')
        .values({
          name: token.name,
          secret_hash: token.secretHash,
          sealed_secret: null,
          display_key: token.displayKey,
          hardcoded_type: token.hardcodedType,
          can_access_cda: bool(token.canAccessCda),
          can_access_cda_preview: bool(token.canAccessCdaPreview),
          can_access_cma: bool(token.canAccessCma),
          role_id: token.roleId === null ? null : Number(token.roleId),
          user_id: token.userId === null ? null : Number(token.userId),
          permissions: json(token.permissions),
          root_node_ids: json(token.rootNodeIds),
          enabled: bool(token.enabled),
          expires_at: token.expiresAt,
          ip_allowlist: optionalJson(token.ipAllowlist),
          rate_limit: optionalJson(token.rateLimit),
          created_by_token_id: token.createdByTokenId === null ? null : Number(token.createdByTokenId),
          created_at: token.createdAt,
          updated_at: token.createdAt,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      // The ciphertext is bound to the row id (AES-GCM associated data), known only now.
      const sealed = seal(String(inserted.id));
      if (sealed !== null) {
        await db.updateTable('access_tokens').set({ sealed_secret: sealed }).where('id', '=', inserted.id).execute();
      }
      await ctx.announce({ kind: 'token', id: String(inserted.id) });
      return (await byId(inserted.id)) as AccessToken;
    },

    async updateToken(id, patch, updatedAt) {
      const key = rowId(id);
      if (key === null) return null;
      const result = await db
        .updateTable('access_tokens')
        .set({ ...patchColumns(patch), updated_at: updatedAt })
        .where('id', '=', key)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return null;
      await ctx.announce({ kind: 'token', id });
      return byId(key);
    },

    async replaceSecret(id, replacement: SecretReplacement, seal) {
      const key = rowId(id);
      const current = key === null ? null : await byId(key);
      if (key === null || !current) return null;
      if (replacement.previousValidUntil !== null) {
        await db
          .insertInto('previous_secrets')
          .values({ secret_hash: current.secretHash, token_id: key, valid_until: replacement.previousValidUntil })
          .execute();
      }
      await db
        .updateTable('access_tokens')
        .set({
          secret_hash: replacement.secretHash,
          sealed_secret: seal(id),
          display_key: replacement.displayKey,
          rotated_at: replacement.rotatedAt,
          updated_at: replacement.rotatedAt,
        })
        .where('id', '=', key)
        .execute();
      await ctx.announce({ kind: 'token', id });
      return byId(key);
    },

    async deleteToken(id) {
      const key = rowId(id);
      if (key === null) return false;
      await db.deleteFrom('previous_secrets').where('token_id', '=', key).execute();
      const result = await db.deleteFrom('access_tokens').where('id', '=', key).executeTakeFirst();
      await ctx.announce({ kind: 'token', id });
      return Number(result.numDeletedRows) > 0;
    },

    async recordAccess(records: readonly AccessRecord[]) {
      // Last access only moves forward: a slow flush from one instance never overwrites a newer
      // value written by another. ISO-8601 UTC strings compare like the instants they name.
      for (const record of records) {
        const key = rowId(record.tokenId);
        if (key === null) continue;
        for (const [column, value] of [
          ['last_cma_access_at', record.cma],
          ['last_cda_access_at', record.cda],
        ] as const) {
          if (value === null) continue;
          await db
            .updateTable('access_tokens')
            .set({ [column]: value })
            .where('id', '=', key)
            .where((eb) => eb.or([eb(column, 'is', null), eb(column, '<', value)]))
            .execute();
        }
      }
    },
  };
}

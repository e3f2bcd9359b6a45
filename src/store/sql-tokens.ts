/**
 * @module
 * Access-token queries.
 */
import type { AccessTokenPatch, AccessRecord, NewAccessToken, SecretReplacement, TokenStore } from '../core/ports.ts';
import type { AccessToken } from '../core/model.ts';
import { grantColumns, rowId, toAccessToken } from './rows.ts';
import { pickGrants } from '../core/grants.ts';
import type { SqlContext } from './sql-context.ts';
import type { AccessTokenTable } from './schema.ts';
import { sql, type Kysely, type Updateable } from 'kysely';
import type { Database } from './schema.ts';
import { afterKey, countAll, countOf } from './paging.ts';

function patchColumns(patch: AccessTokenPatch): Updateable<AccessTokenTable> {
  const row: Updateable<AccessTokenTable> = grantColumns(patch);
  if (patch.sealedSecret !== undefined) row.sealed_secret = patch.sealedSecret;
  return row;
}

const ACCESS_CHUNK = 500;

/**
 * Last access only moves forward: a slow flush from one instance never overwrites a newer value
 * written by another. ISO-8601 UTC strings compare like the instants they name. The casts give the
 * VALUES columns a type on PostgreSQL and are no-ops on SQLite.
 */
function accessUpdate(rows: readonly { key: number; cma: string | null; cda: string | null }[]) {
  const values = sql.join(rows.map((r) => sql`(cast(${r.key} as integer), cast(${r.cma} as text), cast(${r.cda} as text))`));
  const newer = (column: 'last_cma_access_at' | 'last_cda_access_at', value: 'column2' | 'column3') =>
    sql`case when v.${sql.raw(value)} is not null and (access_tokens.${sql.ref(column)} is null or access_tokens.${sql.ref(column)} < v.${sql.raw(value)})
      then v.${sql.raw(value)} else access_tokens.${sql.ref(column)} end`;
  return sql`update access_tokens set
    last_cma_access_at = ${newer('last_cma_access_at', 'column2')},
    last_cda_access_at = ${newer('last_cda_access_at', 'column3')}
    from (values ${values}) as v where access_tokens.id = v.column1`;
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

    async pageTokens(page) {
      const rows = await db
        .selectFrom('access_tokens')
        .selectAll()
        .where('id', '>', afterKey(page))
        .orderBy('id')
        .limit(page.limit)
        .offset(page.offset)
        .execute();
      return rows.map(toAccessToken);
    },

    async countTokens() {
      return countOf(await db.selectFrom('access_tokens').select(countAll).executeTakeFirst());
    },

    async findToken(id) {
      const key = rowId(id);
      return key === null ? null : byId(key);
    },

    async findTokenBySecretHash(hash, nowIso) {
      const row = await db.selectFrom('access_tokens').selectAll().where('secret_hash', '=', hash).executeTakeFirst();
      if (row) return { token: toAccessToken(row), graceUntil: null };
      const previous = await db
        .selectFrom('previous_secrets')
        .select(['token_id', 'valid_until'])
        .where('secret_hash', '=', hash)
        .where('valid_until', '>', nowIso)
        .executeTakeFirst();
      const token = previous ? await byId(previous.token_id) : null;
      return previous && token ? { token, graceUntil: previous.valid_until } : null;
    },

    async createToken(token: NewAccessToken, seal) {
      const inserted = await db
        .insertInto('access_tokens')
        .values({
          ...grantColumns(pickGrants(token)),
          secret_hash: token.secretHash,
          sealed_secret: null,
          display_key: token.displayKey,
          hardcoded_type: token.hardcodedType,
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
      const created = await byId(inserted.id);
      if (!created) throw new Error('access token vanished right after it was written');
      return created;
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
      // Only the secret being replaced may live on: a rotation without grace (say, after a leak)
      // must also end the grace of every earlier rotation.
      await db.deleteFrom('previous_secrets').where('token_id', '=', key).execute();
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

    async resealSecret(id, expected, sealed) {
      const key = rowId(id);
      if (key === null) return false;
      const result = await db
        .updateTable('access_tokens')
        .set({ sealed_secret: sealed })
        .where('id', '=', key)
        .where('sealed_secret', '=', expected)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async recordAccess(records: readonly AccessRecord[]) {
      const rows = records.flatMap((r) => {
        const key = rowId(r.tokenId);
        return key === null || (r.cma === null && r.cda === null) ? [] : [{ key, cma: r.cma, cda: r.cda }];
      });
      // One UPDATE … FROM (VALUES …) per chunk, all in one transaction: a flush is one write however
      // many tokens were active. Chunks keep the bound parameters under both engines' limits.
      const chunks: (typeof rows)[] = [];
      for (let i = 0; i < rows.length; i += ACCESS_CHUNK) chunks.push(rows.slice(i, i + ACCESS_CHUNK));
      if (chunks.length === 0) return;
      const write = (executor: Kysely<Database>) => Promise.all(chunks.map((chunk) => accessUpdate(chunk).execute(executor)));
      if (db.isTransaction || chunks.length === 1) await write(db);
      else await db.transaction().execute(write);
    },
  };
}

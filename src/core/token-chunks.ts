/**
 * @module
 * Every token, read in id order a chunk at a time: whole-project passes (key usage, re-encryption,
 * the CLI's listing) hold one chunk in memory rather than the whole table.
 */
import type { AccessToken } from './model.ts';
import type { TokenStore } from './ports.ts';

export const TOKEN_CHUNK = 500;

export async function* eachToken(store: Pick<TokenStore, 'pageTokens'>): AsyncGenerator<AccessToken> {
  let afterId: string | undefined;
  for (;;) {
    const chunk = await store.pageTokens({ offset: 0, limit: TOKEN_CHUNK, ...(afterId !== undefined ? { afterId } : {}) });
    yield* chunk;
    const last = chunk.at(-1);
    // Keyset by id: tokens written while the pass runs never shift a chunk, so none is read twice.
    if (chunk.length < TOKEN_CHUNK || last === undefined) return;
    afterId = last.id;
  }
}

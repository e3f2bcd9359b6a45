/**
 * `HEAD` on a whole list (no page parameters) answers with GET's headers and reads no rows: the
 * framework would otherwise run the GET handler and drain every row of the streamed body.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';

describe('HEAD on whole lists', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it.each([
    ['/access_tokens', 'pageTokens'],
    ['/roles', 'pageRoles'],
    ['/users', 'pageUsers'],
  ] as const)('HEAD %s answers 200 with GET’s content type and reads no page', async (url, method) => {
    const store = h.runtime.deps.store;
    const spy = vi.spyOn(store, method);
    try {
      const head = await h.request('HEAD', url, { token: h.adminSecret });
      expect(head.statusCode).toBe(200);
      expect(head.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(head.body).toBe('');
      expect(spy).not.toHaveBeenCalled();
      // GET still reads and answers the rows, and HEAD still needs the same token.
      expect(Array.isArray((await h.request('GET', url, { token: h.adminSecret })).json().data)).toBe(true);
      expect(spy).toHaveBeenCalled();
      expect((await h.request('HEAD', url)).statusCode).toBe(401);
    } finally {
      spy.mockRestore();
    }
  });
});

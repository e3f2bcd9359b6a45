/**
 * Concurrent writes on one access token: every answer a 2xx or a documented 4xx, and a secret
 * handed out with 200 works unless a later rotation superseded it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { DIALECTS } from '../support/databases.ts';
import { hashSecret } from '../../src/core/secret.ts';
import { adminRoleId, createRole, createToken, expectOnly, race, secretWorks, send, startPair, tokenDocument, TRIALS, type Pair } from './instances.ts';

describe.each(DIALECTS)('%s: token write races', (dialect) => {
  let pair: Pair;
  let adminRole: string;

  beforeAll(async () => {
    pair = await startPair(dialect);
    adminRole = await adminRoleId(pair.a);
  });
  afterAll(async () => pair?.close());

  const rotate = (h: Pair['a'], id: string, grace = 0) => send(h, 'POST', `/access_tokens/${id}/regenerate_token${grace > 0 ? `?grace_period=${grace}` : ''}`);
  const secretOf = (res: { json(): unknown }) => (res.json() as { data: { attributes: { token: string } } }).data.attributes.token;
  const previousSecrets = async (id: string) =>
    Number((await sql<{ n: number }>`select count(*) as n from previous_secrets where token_id = ${Number(id)}`.execute(pair.a.runtime.store.db)).rows[0]?.n);

  it('two grace rotations: both 200, and both new secrets work (the earlier one as the previous secret)', async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const token = await createToken(pair.a, adminRole);
      const [first, second] = await race(
        () => rotate(pair.a, token.id, 300),
        () => rotate(pair.b, token.id, 300),
      );
      expect([first.statusCode, second.statusCode], `${first.body}\n${second.body}`).toEqual([200, 200]);
      expect(await secretWorks(pair.a, secretOf(first))).toBe(true);
      expect(await secretWorks(pair.a, secretOf(second))).toBe(true);
      // The original secret was superseded twice; only the secret just before the last rotation lives on.
      expect(await secretWorks(pair.a, token.secret)).toBe(false);
      expect(await previousSecrets(token.id)).toBe(1);
    }
  });

  it('two rotations without grace: both 200, exactly the later secret works', async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const token = await createToken(pair.a, adminRole);
      const [first, second] = await race(
        () => rotate(pair.a, token.id),
        () => rotate(pair.b, token.id),
      );
      expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
      const working = [secretOf(first), secretOf(second), token.secret];
      const works = await Promise.all(working.map((s) => secretWorks(pair.a, s)));
      expect(works.filter(Boolean)).toHaveLength(1);
      expect(works[2]).toBe(false);
      // The one that works is the token's current secret, not a leftover grace.
      const current = await pair.a.runtime.store.findToken(token.id);
      expect(current?.secretHash).toBe(hashSecret(working[works.indexOf(true)]!));
      expect(await previousSecrets(token.id)).toBe(0);
    }
  });

  it('grace rotation × delete: the token is gone, its secrets with it, nothing orphaned', async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const token = await createToken(pair.a, adminRole);
      const [rotated, deleted] = await race(
        () => rotate(pair.a, token.id, 300),
        () => send(pair.b, 'DELETE', `/access_tokens/${token.id}`),
      );
      expectOnly(rotated, ['404 NOT_FOUND']);
      expect(deleted.statusCode, deleted.body).toBe(200);
      expect(await pair.a.runtime.store.findToken(token.id)).toBeNull();
      expect(await previousSecrets(token.id)).toBe(0);
      expect(await secretWorks(pair.a, token.secret)).toBe(false);
      if (rotated.statusCode === 200) expect(await secretWorks(pair.a, secretOf(rotated))).toBe(false);
    }
  });

  it('update × update: both 200, the token holds one of the two names, each update audited', async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const token = await createToken(pair.a, adminRole);
      const names = ['left', 'right'].map((side) => `${side} ${trial}`);
      const update = (h: Pair['a'], name: string) => send(h, 'PUT', `/access_tokens/${token.id}`, tokenDocument(adminRole, { name }, token.id));
      const answers = await race(
        () => update(pair.a, names[0]!),
        () => update(pair.b, names[1]!),
      );
      for (const res of answers) expect(res.statusCode, res.body).toBe(200);
      expect(names).toContain((await pair.a.runtime.store.findToken(token.id))?.name);
      const events = await pair.a.runtime.store.listAuditEvents({
        subjectType: 'access_token',
        subjectId: token.id,
        action: 'access_token.update',
        offset: 0,
        limit: 10,
      });
      expect(events.totalCount).toBe(2);
    }
  });

  it('moving a token to a role × deleting that role: never both, nothing left pointing at a deleted role', async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const token = await createToken(pair.a, adminRole);
      const role = await createRole(pair.a);
      const [assigned, deleted] = await race(
        () => send(pair.a, 'PUT', `/access_tokens/${token.id}`, tokenDocument(role, {}, token.id)),
        () => send(pair.b, 'DELETE', `/roles/${role}`),
      );
      expectOnly(assigned, ['422 INVALID_RELATIONSHIP']);
      expectOnly(deleted, ['422 DELETE_RESTRICTION']);
      expect(assigned.statusCode === 200 ? deleted.statusCode : 200, `${assigned.body}\n${deleted.body}`).toBe(assigned.statusCode === 200 ? 422 : 200);
      const stored = await pair.a.runtime.store.findToken(token.id);
      const roleLeft = await pair.a.runtime.store.findRole(role);
      expect(stored?.roleId).toBe(assigned.statusCode === 200 ? role : adminRole);
      expect(roleLeft === null).toBe(deleted.statusCode === 200);
    }
  });
});

/**
 * Two writers at once. On PostgreSQL they are two instances (each its own store and pool) over
 * one schema, as two servers behind a load balancer; on SQLite, where one process owns the file,
 * they are two concurrent requests to one instance. Each race runs many trials: one interleaving
 * is luck, twenty make the loser's path run.
 */
import { expect } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { startHarness, type Harness } from '../support/harness.ts';
import type { DialectName } from '../support/databases.ts';
import { hashSecret } from '../../src/core/secret.ts';
import type { Store } from '../../src/core/ports.ts';

export const TRIALS = 20;

/** A pair of instances (the same one twice on SQLite). `a` owns the database. */
export interface Pair {
  readonly a: Harness;
  readonly b: Harness;
  close(): Promise<void>;
}

export async function startPair(dialect: DialectName): Promise<Pair> {
  const a = await startHarness({ dialect });
  const b = dialect === 'postgres' ? await startHarness({ join: a }) : a;
  return {
    a,
    b,
    async close() {
      if (b !== a) await b.close();
      await a.close();
    },
  };
}

/**
 * A request with the full-access token. The shared fake clock moves past the rate-limit window
 * first: a race suite sends far more than 60 requests per 3 s and is not about rate limits.
 */
export function send(h: Harness, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<LightMyRequestResponse> {
  h.clock.advance(3_100);
  return h.request(method, url, { token: h.adminSecret, ...(body !== undefined ? { body } : {}) });
}

/** Both requests in flight at once; the pair of answers. */
export function race(
  first: () => Promise<LightMyRequestResponse>,
  second: () => Promise<LightMyRequestResponse>,
): Promise<[LightMyRequestResponse, LightMyRequestResponse]> {
  return Promise.all([first(), second()]);
}

/** The error code of an envelope, or null for a success. */
export function codeOf(res: LightMyRequestResponse): string | null {
  if (res.statusCode < 400) return null;
  return (res.json() as { data: { attributes: { code: string } }[] }).data[0]?.attributes.code ?? 'no envelope';
}

/** `status code` strings, so a failing expectation shows the whole answer pair at a glance. */
export function outcome(res: LightMyRequestResponse): string {
  return `${res.statusCode}${res.statusCode >= 400 ? ` ${codeOf(res)}` : ''}`;
}

/** Never a 5xx, and every refusal one of `allowed` (`status CODE`). */
export function expectOnly(res: LightMyRequestResponse, allowed: readonly string[]): void {
  expect(res.statusCode, res.body).toBeLessThan(500);
  if (res.statusCode >= 400) expect(allowed, res.body).toContain(outcome(res));
}

export function created(res: LightMyRequestResponse): { id: string; attributes: Record<string, unknown> } {
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { data: { id: string; attributes: Record<string, unknown> } }).data;
}

/** Whether the store, the source of truth every instance reads, accepts `secret` now. */
export async function secretWorks(h: Harness, secret: string): Promise<boolean> {
  const match = await h.runtime.store.findTokenBySecretHash(hashSecret(secret), new Date(h.clock.now()).toISOString());
  return match !== null;
}

export async function adminRoleId(h: Harness): Promise<string> {
  const roles = (await send(h, 'GET', '/roles')).json().data as { id: string; attributes: { name: string } }[];
  const admin = roles.find((r) => r.attributes.name === 'Admin');
  if (!admin) throw new Error('no Admin role');
  return admin.id;
}

let counter = 0;
/** A name no other trial uses. */
export const fresh = (prefix: string): string => `${prefix} ${++counter} ${Math.random().toString(36).slice(2, 8)}`;

export function tokenDocument(roleId: string, attributes: Record<string, unknown> = {}, id?: string) {
  return {
    data: {
      type: 'access_token',
      ...(id ? { id } : {}),
      attributes: { name: fresh('racer'), can_access_cda: false, can_access_cda_preview: false, can_access_cma: true, ...attributes },
      relationships: { role: { data: { type: 'role', id: roleId } } },
    },
  };
}

export async function createToken(h: Harness, roleId: string): Promise<{ id: string; secret: string }> {
  const data = created(await send(h, 'POST', '/access_tokens', tokenDocument(roleId)));
  return { id: data.id, secret: data.attributes.token as string };
}

export async function createRole(h: Harness, attributes: Record<string, unknown> = {}): Promise<string> {
  return created(await send(h, 'POST', '/roles', { data: { type: 'role', attributes: { name: fresh('role'), ...attributes } } })).id;
}

/** Every record hangs under an existing parent, and its path is its parent's path plus its own id. */
export async function expectConsistentTree(store: Store): Promise<void> {
  const items = await store.listItems({});
  const byId = new Map(items.map((item) => [item.id, item]));
  for (const item of items) {
    const parent = item.parentId === null ? null : byId.get(item.parentId);
    expect(parent, `item ${item.id} hangs under a missing parent ${item.parentId}`).not.toBe(undefined);
    expect(item.pathIds, `path of item ${item.id}`).toEqual([...(parent?.pathIds ?? []), item.id]);
  }
}

/**
 * Helpers for the multi-instance suites: several Latchkey instances over one database, and a
 * bounded poll for "refused on this instance".
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Harness } from '../support/harness.ts';

/** The spec's bound for a revocation to reach every instance (§10: 1 s p99). */
export const PROPAGATION_DEADLINE_MS = 1_000;

export interface CreatedToken {
  readonly id: string;
  readonly secret: string;
}

/** The factory Admin role (the one that may manage users and tokens). */
export async function adminRoleId(h: Harness): Promise<string> {
  const roles = (await h.request('GET', '/roles', { token: h.adminSecret })).json().data as {
    id: string;
    attributes: { can_manage_users: boolean; can_manage_access_tokens: boolean };
  }[];
  const admin = roles.find((r) => r.attributes.can_manage_users && r.attributes.can_manage_access_tokens);
  if (!admin) throw new Error('no admin role');
  return admin.id;
}

/** A CMA token on `h`, based on the Admin role unless `relationships` say otherwise. */
export async function createToken(h: Harness, attributes: Record<string, unknown> = {}, relationships?: Record<string, unknown>): Promise<CreatedToken> {
  relationships ??= { role: { data: { type: 'role', id: await adminRoleId(h) } } };
  const res = await h.request('POST', '/access_tokens', {
    token: h.adminSecret,
    body: {
      data: {
        type: 'access_token',
        attributes: {
          name: `t-${Math.random().toString(36).slice(2)}`,
          can_access_cda: false,
          can_access_cda_preview: false,
          can_access_cma: true,
          ...attributes,
        },
        relationships,
      },
    },
  });
  if (res.statusCode !== 201) throw new Error(`token create failed: ${res.statusCode} ${res.body}`);
  const data = res.json().data as { id: string; attributes: { token: string } };
  return { id: data.id, secret: data.attributes.token };
}

/**
 * Requests `url` on `h` until the answer is `status`, giving up after `deadlineMs`. Returns the
 * last status seen, so a failure shows what the instance still answered.
 */
export async function pollStatus(h: Harness, url: string, secret: string, status: number, deadlineMs = PROPAGATION_DEADLINE_MS): Promise<number> {
  const until = performance.now() + deadlineMs;
  for (;;) {
    const res = await h.request('GET', url, { token: secret });
    if (res.statusCode === status || performance.now() >= until) return res.statusCode;
    await sleep(1);
  }
}

/** Waits for `condition` with a bound; returns whether it held. */
export async function eventually(condition: () => boolean, deadlineMs: number): Promise<boolean> {
  const until = performance.now() + deadlineMs;
  while (!condition()) {
    if (performance.now() >= until) return false;
    await sleep(5);
  }
  return true;
}

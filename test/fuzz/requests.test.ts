/**
 * The fuzz suite: thousands of generated requests over every route, REST and GraphQL, most of
 * them in-process and a slice over a real socket (to catch dropped connections). Every answer
 * must be a non-5xx in its API's envelope, and a refused write must leave the store unchanged.
 *
 * Each run draws a new seed; a failure prints it. Replay with
 *   LATCHKEY_FUZZ_SEED=<seed> [LATCHKEY_FUZZ_PATH=<path>] npx vitest run test/fuzz
 * and scale with LATCHKEY_FUZZ_RUNS (in-process requests per database; a tenth go over HTTP).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ENDPOINTS, PUBLIC_ROUTES } from '../../src/core/endpoints.ts';
import { DIALECTS } from '../support/databases.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { buildWorld, type World } from './world.ts';
import { fuzzRequest, ROUTE_PATTERNS, type FuzzRequest } from './requests.ts';
import { checkAnswer, fingerprint, type Answer } from './checks.ts';

const SEED = process.env.LATCHKEY_FUZZ_SEED ? Number(process.env.LATCHKEY_FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const PATH = process.env.LATCHKEY_FUZZ_PATH;
const RUNS = Number(process.env.LATCHKEY_FUZZ_RUNS ?? 4_000);
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** A generous bound on a run, not a timing assertion: about 4 ms per request on a busy machine. */
const TIMEOUT_MS = Math.max(60_000, RUNS * 15);

/** Runs the property, naming the seed (and how to replay it) if it fails. */
async function fuzz(label: string, runs: number, property: fc.IAsyncPropertyWithHooks<[FuzzRequest]>): Promise<void> {
  try {
    await fc.assert(property, { seed: SEED, numRuns: runs, ...(PATH ? { path: PATH } : {}) });
  } catch (error) {
    const cause = (error as Error).cause;
    throw new Error(
      `${label} failed; replay with LATCHKEY_FUZZ_SEED=${SEED} (and the path below)\n${(error as Error).message}${cause instanceof Error ? `\n${cause.message}` : ''}`,
    );
  }
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: fuzzed requests`, () => {
    let h: Harness;
    let world: World;
    let base: string;
    /** Answers by status class, to show the run reached the handlers rather than stopping at 401s. */
    const seen = new Map<string, number>();

    beforeAll(async () => {
      h = await startHarness({ dialect });
      world = await buildWorld(h);
      base = await h.listen();
    });
    afterAll(() => h.close());

    /** Sends one request through `send`; checks the answer, and the store when a write was refused. */
    async function attempt(request: FuzzRequest, path: string, send: () => Promise<Answer>): Promise<void> {
      // Past every rate-limit window: a 429 is a valid answer, but it would hide everything else.
      h.clock.advance(3_000);
      const write = !READS.has(request.method);
      const before = write ? await fingerprint(h) : null;
      const answer = await send();
      const kind = `${Math.floor(answer.status / 100)}xx`;
      seen.set(kind, (seen.get(kind) ?? 0) + 1);
      checkAnswer(request, path, answer);
      if (write && answer.status >= 400) expect(await fingerprint(h), `${request.method} ${request.url.slice(0, 200)} → ${answer.status}`).toEqual(before);
    }

    it('has a fingerprint that sees an accepted write', async () => {
      h.clock.advance(3_000);
      const before = await fingerprint(h);
      const res = await h.request('PUT', '/site', { token: world.adminSecret, body: { data: { type: 'site', attributes: { name: 'Fingerprinted' } } } });
      expect(res.statusCode, res.body).toBe(200);
      expect(await fingerprint(h)).not.toEqual(before);
    });

    it('covers every route the server declares', () => {
      const declared = Object.values(ENDPOINTS).flatMap((e) => e.routes.map((r) => `${r.method} ${r.path}`));
      const publicRoutes = PUBLIC_ROUTES.filter((r) => r.path !== '*').map((r) => `${r.method} ${r.path}`);
      expect([...declared, ...publicRoutes].filter((d) => !ROUTE_PATTERNS.includes(d))).toEqual([]);
    });

    it(
      'answers in-process requests with no 5xx, in the envelope, changing nothing when refusing',
      async () => {
        await fuzz(
          `${dialect} in-process`,
          RUNS,
          fc.asyncProperty(fuzzRequest(world), (request) =>
            attempt(request, request.url.split('?')[0] ?? '', async () => {
              const res = await h.app.inject({
                method: request.method as 'GET',
                url: request.url,
                headers: request.headers,
                ...(request.body !== undefined ? { payload: request.body } : {}),
              });
              return { status: res.statusCode, contentType: res.headers['content-type'] as string | undefined, body: res.body };
            }),
          ),
        );
        // Most requests are meant to fail, but enough must succeed to show they reach the handlers.
        expect(seen.get('2xx') ?? 0, JSON.stringify([...seen])).toBeGreaterThan(RUNS / 20);
      },
      TIMEOUT_MS,
    );

    it(
      'answers requests over HTTP without ever dropping the connection',
      async () => {
        await fuzz(
          `${dialect} over HTTP`,
          Math.ceil(RUNS / 10),
          fc.asyncProperty(fuzzRequest(world), async (request) => {
            // Concatenated, not resolved: a path like `//x` would otherwise name a host.
            const url = new URL(`${base}${request.url}`);
            const withBody = request.body !== undefined && request.method !== 'GET' && request.method !== 'HEAD';
            await attempt(request, url.pathname, async () => {
              let res: Response;
              try {
                res = await fetch(url, { method: request.method, headers: request.headers, ...(withBody ? { body: request.body } : {}) });
              } catch (error) {
                throw new Error(`the connection failed: ${String((error as Error).cause ?? error)}\n  request: ${request.method} ${request.url.slice(0, 300)}`);
              }
              return { status: res.status, contentType: res.headers.get('content-type') ?? undefined, body: await res.text() };
            });
          }),
        );
      },
      TIMEOUT_MS,
    );
  });
}

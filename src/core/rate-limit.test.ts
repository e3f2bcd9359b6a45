import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { consumeRate, type RateOutcome } from './rate-limit.ts';
import type { RateLimitPolicy } from './model.ts';

const T0 = Date.parse('2026-11-18T10:00:00.123Z');

/** Sends `count` requests at the instants `at(i)`, carrying the state like the caller does. */
function send(policy: RateLimitPolicy, count: number, at: (i: number) => number, start = 0): { outcomes: RateOutcome[]; tat: number } {
  let tat = start;
  const outcomes: RateOutcome[] = [];
  for (let i = 0; i < count; i++) {
    const outcome = consumeRate(policy, tat, at(i));
    outcomes.push(outcome);
    tat = outcome.tat;
  }
  return { outcomes, tat };
}

describe('consumeRate (GCRA)', () => {
  const policy = { limit: 60, period_seconds: 3 };

  it('allows a burst of exactly `limit`, then denies', () => {
    const { outcomes } = send(policy, 61, () => T0);
    expect(outcomes.slice(0, 60).every((o) => o.allowed)).toBe(true);
    expect(outcomes[60]).toMatchObject({ allowed: false, limit: 60, remaining: 0 });
  });

  // Policies whose interval is not a whole number of milliseconds (1000 / 7 …).
  it.each([
    [3, 1],
    [6, 1],
    [7, 3],
    [11, 1],
    [9, 60],
  ])('allows a burst of exactly %i per %i s, whatever the interval', (limit, period_seconds) => {
    const { outcomes } = send({ limit, period_seconds }, limit + 1, () => T0);
    expect(outcomes.map((o) => o.allowed)).toEqual([...Array<boolean>(limit).fill(true), false]);
  });

  it('counts remaining down to zero during a burst', () => {
    const { outcomes } = send(policy, 60, () => T0);
    expect(outcomes.map((o) => o.remaining)).toEqual(Array.from({ length: 60 }, (_, i) => 59 - i));
  });

  it('does not change the state when it denies', () => {
    const { tat } = send(policy, 60, () => T0);
    const denied = consumeRate(policy, tat, T0 + 10);
    expect(denied.allowed).toBe(false);
    expect(denied.tat).toBe(tat);
  });

  it('tells a denied client to come back after at least one whole second', () => {
    const { tat } = send({ limit: 1000, period_seconds: 1 }, 1000, () => T0);
    // The next slot opens a millisecond later; the header still says one second, never zero.
    const denied = consumeRate({ limit: 1000, period_seconds: 1 }, tat, T0);
    expect(denied.allowed).toBe(false);
    expect(denied.resetSeconds).toBe(1);
  });

  it('says how long a slow policy stays closed, in whole seconds rounded up', () => {
    const slow = { limit: 2, period_seconds: 60 };
    const { tat } = send(slow, 2, () => T0);
    expect(consumeRate(slow, tat, T0 + 1_000)).toMatchObject({ allowed: false, resetSeconds: 29 });
    expect(consumeRate(slow, tat, T0 + 29_500)).toMatchObject({ allowed: false, resetSeconds: 1 });
    expect(consumeRate(slow, tat, T0 + 30_000).allowed).toBe(true);
  });

  it('recovers fully after one period of silence', () => {
    const { tat } = send(policy, 60, () => T0);
    const { outcomes } = send(policy, 61, () => T0 + 3_000, tat);
    expect(outcomes.filter((o) => o.allowed)).toHaveLength(60);
  });

  it('admits a steady stream at exactly the policy rate', () => {
    // 40 per second = one every 25 ms, for ten seconds.
    const { outcomes } = send({ limit: 40, period_seconds: 1 }, 400, (i) => T0 + i * 25);
    expect(outcomes.every((o) => o.allowed)).toBe(true);
  });

  it('refills one slot per interval', () => {
    const { tat } = send(policy, 60, () => T0);
    expect(consumeRate(policy, tat, T0 + 49).allowed).toBe(false);
    const refilled = consumeRate(policy, tat, T0 + 50);
    expect(refilled).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('holds for any policy and start time: exactly `limit` in a burst, resetSeconds ≥ 1', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2_000 }),
        fc.integer({ min: 1, max: 86_400 }),
        fc.integer({ min: 1_500_000_000_000, max: 2_500_000_000_000 }),
        (limit, period_seconds, now) => {
          const p = { limit, period_seconds };
          const { outcomes, tat } = send(p, limit, () => now);
          expect(outcomes.every((o) => o.allowed && o.resetSeconds >= 1)).toBe(true);
          expect(outcomes.at(-1)!.remaining).toBe(0);
          const denied = consumeRate(p, tat, now);
          expect(denied.allowed).toBe(false);
          expect(denied.resetSeconds).toBeGreaterThanOrEqual(1);
          expect(consumeRate(p, tat, now + period_seconds * 1000).remaining).toBe(limit - 1);
        },
      ),
      { numRuns: 300 },
    );
  });
});

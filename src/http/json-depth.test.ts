import { describe, expect, it } from 'vitest';
import { ApiProblem } from '../core/errors.ts';
import { assertJsonDepth, MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.ts';

const nested = (depth: number) => JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown;

describe('JSON depth', () => {
  it('counts arrays and objects inside each other; scalars are no level', () => {
    expect(nestsDeeperThan(42, 0)).toBe(false);
    expect(nestsDeeperThan({}, 0)).toBe(true);
    expect(nestsDeeperThan({ a: [1, { b: 'x' }] }, 3)).toBe(false);
    expect(nestsDeeperThan({ a: [1, { b: [] }] }, 3)).toBe(true);
  });

  it('finds one deep branch among many shallow ones', () => {
    const wide = { ...Object.fromEntries(Array.from({ length: 1_000 }, (_, i) => [`k${i}`, [i]])), deep: nested(MAX_JSON_DEPTH) };
    expect(nestsDeeperThan(wide, MAX_JSON_DEPTH)).toBe(true);
    expect(nestsDeeperThan(wide, MAX_JSON_DEPTH + 1)).toBe(false);
  });

  it('measures 100,000 levels without recursion', () => {
    expect(nestsDeeperThan(nested(100_000), MAX_JSON_DEPTH)).toBe(true);
  });

  it('refuses past the limit with JSON_NESTING_TOO_DEEP, naming the input', () => {
    expect(() => assertJsonDepth(nested(MAX_JSON_DEPTH))).not.toThrow();
    let thrown: unknown;
    try {
      assertJsonDepth(nested(MAX_JSON_DEPTH + 1), { parameter: 'variables' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ApiProblem);
    expect(thrown).toMatchObject({ code: 'JSON_NESTING_TOO_DEEP', details: { parameter: 'variables', max_depth: MAX_JSON_DEPTH } });
  });
});

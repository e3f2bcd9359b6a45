/**
 * The re-run policy on its own: which failures are races worth re-running, how many times, and
 * what the client gets when they persist.
 */
import { describe, expect, it } from 'vitest';
import { ApiProblem } from '../../src/core/errors.ts';
import { unique } from '../../src/store/constraints.ts';
import { MAX_ATTEMPTS, MAX_CONSTRAINT_ATTEMPTS, withRetries } from '../../src/store/retry.ts';

const dbError = (code: string) => Object.assign(new Error(`database says ${code}`), { code });
const noPause = () => 0;

/** A unit of work that fails with `errors` in turn, then returns 'done'; counts its attempts. */
function flaky(errors: unknown[]) {
  const seen: number[] = [];
  return {
    seen,
    work: async (n: number) => {
      seen.push(n);
      const error = errors[n - 1];
      if (error !== undefined) throw error;
      return 'done';
    },
  };
}

describe('withRetries', () => {
  it('re-runs serialization failures and deadlocks until the work goes through', async () => {
    const run = flaky([dbError('40001'), dbError('40P01'), dbError('40001')]);
    expect(await withRetries(run.work, noPause)).toBe('done');
    expect(run.seen).toEqual([1, 2, 3, 4]);
  });

  it('answers 409 CONFLICT when serialization failures outlast every attempt', async () => {
    const run = flaky(Array.from({ length: MAX_ATTEMPTS }, () => dbError('40001')));
    const error = await withRetries(run.work, noPause).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiProblem);
    expect(error).toMatchObject({ code: 'CONFLICT', status: 409 });
    expect(run.seen).toHaveLength(MAX_ATTEMPTS);
  });

  it('re-runs a unique or foreign-key violation a few times only, then answers 409', async () => {
    for (const code of ['23505', '23503', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_FOREIGNKEY']) {
      const run = flaky(Array.from({ length: 10 }, () => dbError(code)));
      await expect(withRetries(run.work, noPause)).rejects.toMatchObject({ code: 'CONFLICT' });
      expect(run.seen).toHaveLength(MAX_CONSTRAINT_ATTEMPTS);
    }
  });

  it('keeps the 422 of a unique check that every re-run reaches again', async () => {
    const duplicate = () => unique('name', 'A role named "x" exists', () => Promise.reject(dbError('23505')));
    const attempts: number[] = [];
    const error = await withRetries(async (n) => {
      attempts.push(n);
      return duplicate();
    }, noPause).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_FIELD', status: 422, details: { field: 'name', code: 'VALIDATION_UNIQUENESS' } });
    expect(attempts).toHaveLength(MAX_CONSTRAINT_ATTEMPTS);
  });

  it('passes any other failure through at once', async () => {
    const problem = new ApiProblem('NOT_FOUND', { message: 'gone' });
    for (const error of [problem, dbError('22P02'), new TypeError('bug')]) {
      const run = flaky([error]);
      await expect(withRetries(run.work, noPause)).rejects.toBe(error);
      expect(run.seen).toEqual([1]);
    }
  });
});

/**
 * The last-access recorder while its database is away: every flush fails, nothing recorded is
 * lost, the failure is reported once per outage (not once per interval), and the first flush
 * that writes again reports the recovery and writes everything kept meanwhile.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AccessRecorder } from '../../src/runtime/access-recorder.ts';
import type { AccessRecord, TokenStore } from '../../src/core/ports.ts';

afterEach(() => {
  vi.useRealTimers();
});

/** Only `recordAccess` is used by the recorder; it fails while `down` is set. */
function flakyStore() {
  const written: AccessRecord[][] = [];
  const state = { down: false };
  const store = {
    async recordAccess(records: readonly AccessRecord[]) {
      if (state.down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      written.push([...records]);
    },
  } as unknown as TokenStore;
  return { store, written, state };
}

describe('AccessRecorder during an outage', () => {
  it('keeps every access, reports the outage once and the recovery once', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { store, written, state } = flakyStore();
    const recorder = new AccessRecorder(store);
    const errors: unknown[] = [];
    let recoveries = 0;
    recorder.start(
      1_000,
      (error) => errors.push(error),
      () => recoveries++,
    );

    state.down = true;
    recorder.record('1', 'cma', Date.parse('2026-12-01T10:00:00Z'));
    await vi.advanceTimersByTimeAsync(1_000);
    recorder.record('2', 'cda', Date.parse('2026-12-01T10:00:01Z'));
    recorder.record('1', 'cma', Date.parse('2026-12-01T10:00:02Z'));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(errors).toHaveLength(1);
    expect(written).toEqual([]);
    expect(recorder.pendingCount).toBe(2);
    // What is kept is still what reads see.
    expect(recorder.latest('1', 'cma', null)).toBe('2026-12-01T10:00:02.000Z');

    state.down = false;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(recoveries).toBe(1);
    expect(written).toHaveLength(1);
    expect(written[0]!.sort((a, b) => a.tokenId.localeCompare(b.tokenId))).toEqual([
      { tokenId: '1', cma: '2026-12-01T10:00:02.000Z', cda: null },
      { tokenId: '2', cma: null, cda: '2026-12-01T10:00:01.000Z' },
    ]);
    expect(recorder.pendingCount).toBe(0);

    // A second outage is reported again.
    state.down = true;
    recorder.record('3', 'cma', Date.parse('2026-12-01T10:01:00Z'));
    await vi.advanceTimersByTimeAsync(3_000);
    expect(errors).toHaveLength(2);
    state.down = false;
    await recorder.stop();
    expect(written).toHaveLength(2);
  });

  it('rejects a shutdown flush that cannot write, keeping the data', async () => {
    const { store, state } = flakyStore();
    const recorder = new AccessRecorder(store);
    recorder.record('1', 'cma', Date.parse('2026-12-01T10:00:00Z'));
    state.down = true;
    await expect(recorder.stop()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(recorder.pendingCount).toBe(1);
  });
});

/**
 * Continuous traffic over several instances, every answer recorded with the phase of the fault
 * it was sent in, so a suite can assert what each phase may answer.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { errorCode, type Answer, type Instance } from './instances.ts';

export type Operation = (instance: Instance) => Promise<Answer>;

export interface Outcome {
  /** The phase the request was sent and answered in, or `sent>answered` when it spanned a change. */
  readonly phase: string;
  readonly instance: string;
  readonly op: string;
  /** The HTTP status, or `failed` when the connection dropped or the request hung past its bound. */
  readonly status: number | 'failed';
  readonly code?: string | undefined;
  readonly retryAfter?: string | null;
  readonly ms: number;
  readonly detail?: string;
}

export class Traffic {
  phase = 'idle';
  readonly outcomes: Outcome[] = [];
  #running = false;
  #workers: Promise<void>[] = [];

  constructor(
    private readonly instances: readonly Instance[],
    private readonly operations: Readonly<Record<string, Operation>>,
    /** Pause between two requests of one worker: traffic, not a load test on a shared machine. */
    private readonly pauseMs = 15,
  ) {}

  start(workers: number): void {
    this.#running = true;
    for (let w = 0; w < workers; w++) this.#workers.push(this.#work(w));
  }

  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#workers);
    this.#workers = [];
  }

  in(phase: string): Outcome[] {
    return this.outcomes.filter((o) => o.phase === phase);
  }

  async #work(worker: number): Promise<void> {
    const names = Object.keys(this.operations);
    for (let i = worker; this.#running; i++) {
      const instance = this.instances[i % this.instances.length]!;
      const op = names[(i * 7 + worker) % names.length]!;
      const sent = this.phase;
      // A request in flight when the phase changes belongs to neither: one sent in a steady phase
      // may meet the fault that starts while it runs.
      const phase = () => (this.phase === sent ? sent : `${sent}>${this.phase}`);
      const started = performance.now();
      try {
        const answer = await this.operations[op]!(instance);
        const ms = performance.now() - started;
        this.outcomes.push({
          phase: phase(),
          instance: instance.name,
          op,
          status: answer.status,
          code: errorCode(answer.body),
          retryAfter: answer.headers.get('retry-after'),
          ms,
        });
      } catch (error) {
        const ms = performance.now() - started;
        this.outcomes.push({
          phase: phase(),
          instance: instance.name,
          op,
          status: 'failed',
          ms,
          detail: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        });
      }
      await sleep(this.pauseMs);
    }
  }
}

/** Counts per status, for failure messages that show what happened. */
export function tally(outcomes: readonly Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[String(o.status)] = (counts[String(o.status)] ?? 0) + 1;
  return counts;
}

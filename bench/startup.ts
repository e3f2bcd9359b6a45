/**
 * Start-up times of the `latchkey` command, as an operator meets them: `latchkey --help`,
 * `latchkey tokens list` on a fresh project, and `latchkey serve` from spawning the process to the
 * first answered request (`GET /users/me` with the full-access token). Wall-clock medians.
 *
 *   npx tsx bench/startup.ts [--runs 7] [--against <another checkout>]
 *
 * With `--against`, the other checkout's `bin/latchkey.js` runs alternately with this one's, each
 * on its own data directory, so both meet the same machine load (a paired comparison).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './lib/proc.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' }, against: { type: 'string' } } });
const runs = Number(values.runs);

interface Subject {
  readonly name: string;
  readonly bin: string;
  readonly dataDir: string;
  readonly admin: string;
}

const ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', LATCHKEY_LOG_LEVEL: 'silent' };

function prepare(name: string, checkout: string): Subject {
  const dataDir = mkdtempSync(join(tmpdir(), 'latchkey-startup-'));
  const bin = join(checkout, 'bin/latchkey.js');
  const init = spawnSync(process.execPath, [bin, 'init', '--data-dir', dataDir], { cwd: checkout, env: ENV, encoding: 'utf8' });
  const admin = /Full-access API token.*?(lk_[0-9A-Za-z]{36})/.exec(init.stdout)?.[1];
  if (init.status !== 0 || !admin) throw new Error(`${name}: latchkey init failed\n${init.stdout}${init.stderr}`);
  return { name, bin, dataDir, admin };
}

function timeCommand(subject: Subject, args: readonly string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, [subject.bin, ...args], { env: ENV, encoding: 'utf8' });
  const elapsed = performance.now() - started;
  if (result.status !== 0) throw new Error(`${subject.name}: latchkey ${args.join(' ')} failed\n${result.stderr}`);
  return elapsed;
}

async function timeFirstResponse(subject: Subject): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [subject.bin, 'serve', '--port', '0', '--data-dir', subject.dataDir], {
    env: ENV,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = await new Promise<string>((resolveUrl, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /serving on (http:\/\/[^\s]+)/.exec(out);
        if (match?.[1]) resolveUrl(match[1]);
      });
      child.on('exit', (code) => reject(new Error(`${subject.name}: serve exited with ${code}`)));
    });
    const res = await fetch(`${url}/users/me`, { headers: { authorization: `Bearer ${subject.admin}` } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${subject.name}: first response ${res.status}`);
    return performance.now() - started;
  } finally {
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await exited;
  }
}

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const subjects = [prepare('this checkout', ROOT), ...(values.against ? [prepare('--against', resolve(values.against))] : [])];
const samples = new Map<string, number[]>();
const record = (subject: Subject, what: string, ms: number) => {
  const key = `${what}\t${subject.name}`;
  samples.set(key, [...(samples.get(key) ?? []), ms]);
};
try {
  for (let run = 0; run < runs; run++) {
    // Alternate which checkout goes first, so neither always meets a warmer file cache.
    for (const subject of run % 2 ? [...subjects].reverse() : subjects) {
      record(subject, 'latchkey --help', timeCommand(subject, ['--help']));
      record(subject, 'latchkey tokens list', timeCommand(subject, ['tokens', 'list', '--data-dir', subject.dataDir]));
      record(subject, 'latchkey serve: first response', await timeFirstResponse(subject));
    }
  }
  process.stdout.write(`median of ${runs} runs (min–max), ms\n`);
  for (const [key, xs] of samples) {
    const [what, name] = key.split('\t');
    process.stdout.write(`${what?.padEnd(32)} ${name?.padEnd(14)} ${Math.round(median(xs))} (${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))})\n`);
  }
} finally {
  for (const subject of subjects) rmSync(subject.dataDir, { recursive: true, force: true });
}

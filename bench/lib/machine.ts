/**
 * @module
 * What the numbers were measured on: machine, versions, date, load.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { PINNING, ROOT } from './proc.ts';

const PACKAGES = ['fastify', 'graphql', 'better-sqlite3', 'kysely', 'autocannon'];

function versionOf(name: string): string {
  try {
    return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'missing';
  }
}

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly platform: string;
  readonly node: string;
  readonly v8: string;
  readonly openssl: string;
  readonly packages: Readonly<Record<string, string>>;
  readonly latchkey: string;
  readonly commit: string;
  readonly pinned: boolean;
  readonly loadAverageAtStart: readonly number[];
}

export function describeMachine(): Machine {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    platform: `${process.platform} ${process.arch}`,
    node: process.version,
    v8: process.versions.v8,
    openssl: process.versions.openssl ?? 'unknown',
    packages: Object.fromEntries(PACKAGES.map((name) => [name, versionOf(name)])),
    latchkey: (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version,
    commit: commit(),
    pinned: PINNING,
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

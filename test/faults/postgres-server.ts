/**
 * A PostgreSQL of the suite's own, never the machine's shared one: `initdb` into a temp dir, a
 * server started with `pg_ctl` on a free port of 127.0.0.1 with its socket in a temp dir, which
 * the suite restarts, stops and starts at will. Run as the `postgres` OS user when the suite runs
 * as root (initdb refuses root). Stopped in afterAll, by `pg_ctl` and, failing that, by the pid
 * in its own `postmaster.pid`.
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './children.ts';

const run = promisify(execFile);

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

/** The newest installed PostgreSQL's bin directory that has initdb, or null. */
export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

function postgresUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (!uid || !gid) throw new Error('running as root, and there is no postgres user to run PostgreSQL as');
  return { uid: Number(uid), gid: Number(gid) };
}

export class OwnPostgres {
  readonly #bin: string;
  readonly #dir: string;
  readonly #asUser: boolean;
  private constructor(
    bin: string,
    dir: string,
    asUser: boolean,
    readonly port: number,
  ) {
    this.#bin = bin;
    this.#dir = dir;
    this.#asUser = asUser;
  }

  /** initdb and start; `bin` from {@link postgresBinDir}. */
  static async create(bin: string): Promise<OwnPostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-pg-'));
    const user = postgresUser();
    mkdirSync(join(dir, 'socket'));
    if (user) for (const path of [dir, join(dir, 'socket')]) chownSync(path, user.uid, user.gid);
    const server = new OwnPostgres(bin, dir, user !== null, await freePort());
    await server.#exec('initdb', ['-D', server.#data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync'], 60_000);
    await server.start();
    return server;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  get #data(): string {
    return join(this.#dir, 'data');
  }

  start(): Promise<void> {
    // Durability is not what this suite tests: no fsync keeps restarts quick on a busy machine.
    const options = `-p ${this.port} -k ${join(this.#dir, 'socket')} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=100`;
    return this.#ctl(['start', '-w', '-t', '60', '-l', join(this.#dir, 'server.log'), '-o', options]);
  }

  /** A fast shutdown: open connections are terminated (57P01), new ones refused. */
  stop(): Promise<void> {
    return this.#ctl(['stop', '-w', '-t', '60', '-m', 'fast']);
  }

  restart(): Promise<void> {
    return this.#ctl(['restart', '-w', '-t', '60', '-m', 'fast', '-l', join(this.#dir, 'server.log')]);
  }

  /**
   * SIGSTOP to the server and every one of its backends: connections stay open and nothing
   * answers, as with a hung host. Only processes of this server (its postmaster and that
   * postmaster's children) are signalled.
   */
  pause(): void {
    this.#paused = this.#processes();
    for (const pid of this.#paused) signal(pid, 'SIGSTOP');
  }

  resume(): void {
    for (const pid of this.#paused) signal(pid, 'SIGCONT');
    this.#paused = [];
  }

  #paused: number[] = [];

  /** The postmaster (from its pid file) and its children (from /proc), children first. */
  #processes(): number[] {
    const postmaster = this.#postmasterPid();
    if (postmaster === null) return [];
    const children = readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .filter((pid) => {
        try {
          // Field 4 of /proc/<pid>/stat is the parent pid; the command name (field 2) may hold spaces, so count from its ')'.
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
        } catch {
          return false;
        }
      })
      .map(Number);
    return [...children, postmaster];
  }

  #postmasterPid(): number | null {
    const pidFile = join(this.#data, 'postmaster.pid');
    if (!existsSync(pidFile)) return null;
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    return pid > 0 ? pid : null;
  }

  /** Stops the server whatever its state and removes its files. */
  async destroy(): Promise<void> {
    this.resume();
    await this.#ctl(['stop', '-w', '-t', '20', '-m', 'immediate']).catch(() => {});
    const pid = this.#postmasterPid();
    if (pid !== null) signal(pid, 'SIGKILL');
    rmSync(this.#dir, { recursive: true, force: true });
  }

  /** The server's own log, for a failure message. */
  log(): string {
    const path = join(this.#dir, 'server.log');
    return existsSync(path) ? readFileSync(path, 'utf8') : '';
  }

  #ctl(args: string[]): Promise<void> {
    return this.#exec('pg_ctl', ['-D', this.#data, ...args], 90_000);
  }

  async #exec(program: string, args: string[], timeout: number): Promise<void> {
    const file = join(this.#bin, program);
    const [command, commandArgs] = this.#asUser ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
    // Asynchronous: the suite's traffic keeps flowing while the server restarts.
    await run(command, commandArgs, { timeout, cwd: this.#dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' } });
  }
}

/**
 * A reporter that ends the run with one paragraph on what did not run: each distinct skip notice
 * once (see `skips.ts`), how many tests were skipped and in which suites, and how many tests ran
 * on SQLite only because no PostgreSQL was configured.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';
import { SKIP_LOG_ENV } from './skips.ts';

interface Notice {
  readonly suite: string;
  readonly reason: string;
}

function topSuite(fullName: string): string {
  return fullName.split(' > ')[0] ?? fullName;
}

export default class SkipSummary implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const log = process.env[SKIP_LOG_ENV];
    const notices = new Map<string, Notice>();
    if (log && existsSync(log)) {
      for (const line of readFileSync(log, 'utf8').split('\n')) {
        if (line === '') continue;
        const notice = JSON.parse(line) as Notice;
        notices.set(`${notice.suite}\n${notice.reason}`, notice);
      }
    }
    const skipped = new Map<string, number>();
    let sqliteOnly = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        if (test.result().state === 'skipped') {
          const suite = topSuite(test.fullName);
          skipped.set(suite, (skipped.get(suite) ?? 0) + 1);
        } else if (!process.env.LATCHKEY_TEST_DATABASE_URL && test.fullName.startsWith('sqlite: ')) {
          sqliteOnly++;
        }
      }
    }
    if (notices.size === 0 && skipped.size === 0) return;

    const lines = ['', 'Not run here:'];
    for (const { suite, reason } of notices.values()) lines.push(`  - ${suite}: ${reason}`);
    const total = [...skipped.values()].reduce((a, b) => a + b, 0);
    if (total > 0) {
      lines.push(`  ${total} test${total === 1 ? '' : 's'} skipped, in ${skipped.size} suite${skipped.size === 1 ? '' : 's'}:`);
      for (const [suite, count] of [...skipped].sort((a, b) => b[1] - a[1])) lines.push(`    ${count}  ${suite}`);
    }
    if (sqliteOnly > 0) lines.push(`  ${sqliteOnly} tests of the suites written for both databases ran on SQLite only.`);
    process.stdout.write(`${lines.join('\n')}\n\n`);
  }
}

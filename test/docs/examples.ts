/**
 * The curl examples of a markdown page, as a reader would run them: every `curl` command of its
 * `sh` code blocks in document order (continuation lines joined), each with the status the page
 * promises for it. A command answers 2xx unless its line ends with a comment naming the status,
 * `# → 403`. A block preceded by `<!-- examples: NAME -->` belongs to the data set NAME (for
 * example the demo project); every other block runs against a fresh `npm start`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Example {
  /** 1-based line of the command's first line in the page. */
  readonly line: number;
  readonly command: string;
  /** An exact status, or null for "any 2xx". */
  readonly status: number | null;
  readonly dataSet: string;
}

const FENCE = /^```(\w*)\s*$/;
const DATA_SET = /^<!--\s*examples:\s*([\w-]+)\s*-->$/;
const PROMISE = /#\s*→\s*(\d{3})\b/;

/** The curl commands of a page's `sh` blocks, in order. */
export function curlExamples(markdown: string): Example[] {
  const lines = markdown.split('\n');
  const examples: Example[] = [];
  let inBlock: string | null = null;
  let dataSet = 'fresh';
  let pendingSet: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = FENCE.exec(line);
    if (fence) {
      if (inBlock === null) {
        inBlock = fence[1] ?? '';
        dataSet = pendingSet ?? 'fresh';
        pendingSet = null;
      } else {
        inBlock = null;
      }
      continue;
    }
    if (inBlock === null) {
      const marker = DATA_SET.exec(line.trim());
      if (marker) pendingSet = marker[1]!;
      else if (line.trim() !== '') pendingSet = null;
      continue;
    }
    if (inBlock !== 'sh' || !/^curl\s/.test(line)) continue;
    const start = i;
    let command = line;
    while (command.endsWith('\\') && i + 1 < lines.length) {
      i++;
      command = `${command.slice(0, -1)} ${lines[i]!.trim()}`;
    }
    const promise = PROMISE.exec(command);
    examples.push({ line: start + 1, command: stripComment(command), status: promise ? Number(promise[1]) : null, dataSet });
  }
  return examples;
}

/** The command without its trailing `# …` comment (a `#` inside quotes is not a comment). */
function stripComment(command: string): string {
  let quote: string | null = null;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(command[i - 1]!))) {
      return command.slice(0, i).trimEnd();
    }
  }
  return command;
}

/** Every `$NAME` a command reads from the shell. */
export function shellVariables(command: string): string[] {
  return [...new Set([...command.matchAll(/\$\{?([A-Z_][A-Z0-9_]*)\}?/g)].map((m) => m[1]!))];
}

export interface Outcome {
  readonly status: number;
  readonly body: string;
}

/**
 * Runs one example in bash with the given variables exported, as a reader's shell would: the
 * response body goes to a file, the status is what curl reports. Bounded in time.
 */
export function runExample(example: Example, variables: Readonly<Record<string, string>>): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-example-'));
  const bodyFile = join(dir, 'body');
  const script = `${example.command} --max-time 20 -o '${bodyFile}' -w '%{http_code}'`;
  return new Promise((resolve, reject) => {
    execFile('bash', ['-c', script], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...variables }, timeout: 30_000 }, (error, stdout, stderr) => {
      try {
        if (error) {
          reject(new Error(`line ${example.line}: ${example.command}\nfailed: ${error.message}\n${stderr}`));
          return;
        }
        let body = '';
        try {
          body = readFileSync(bodyFile, 'utf8');
        } catch {
          // No body (a 204, or curl wrote nothing).
        }
        resolve({ status: Number(stdout.trim()), body });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

/** Whether an outcome keeps the page's promise. */
export function kept(example: Example, outcome: Outcome): boolean {
  return example.status === null ? outcome.status >= 200 && outcome.status < 300 : outcome.status === example.status;
}

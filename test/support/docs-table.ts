/**
 * Reading the tables of a markdown page, for the tests that keep docs and code in sync.
 */
import { readFileSync } from 'node:fs';

export function readDoc(name: string): string {
  return readFileSync(new URL(`../../docs/${name}`, import.meta.url), 'utf8');
}

/** Cells of the markdown table rows under a heading, up to the next (sub)heading; null if there is no such heading. */
export function tableRows(doc: string, heading: string): string[][] | null {
  const start = doc.indexOf(`\n${heading}\n`);
  if (start === -1) return null;
  const rest = doc.slice(start + heading.length + 2);
  const end = rest.search(/\n#{2,3} /);
  const section = end === -1 ? rest : rest.slice(0, end);
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
}

/** A table cell's code text; `—` is null. */
export const code = (cell: string): string | null => (cell === '—' ? null : cell.replace(/^`|`$/g, ''));

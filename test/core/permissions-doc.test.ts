/**
 * `docs/permissions.md` and the code say the same thing: the permission catalog, and one row per
 * entry of `ENDPOINTS` (whoever adds an endpoint must document it).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENDPOINTS } from '../../src/core/endpoints.ts';
import { PERMISSION_CATALOG } from '../../src/core/permissions.ts';

const doc = readFileSync(new URL('../../docs/permissions.md', import.meta.url), 'utf8');

/** Cells of the markdown table rows under a heading, up to the next (sub)heading. */
function tableRows(heading: string): string[][] {
  const start = doc.indexOf(`\n${heading}\n`);
  expect(start, `docs/permissions.md has a "${heading}" section`).toBeGreaterThanOrEqual(0);
  const rest = doc.slice(start + heading.length + 2);
  const end = rest.search(/\n#{2,3} /);
  const section = end === -1 ? rest : rest.slice(0, end);
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => line.slice(1, -1).split('|').map((cell) => cell.trim()));
}

const code = (cell: string): string | null => (cell === '—' ? null : cell.replace(/^`|`$/g, ''));

describe('docs/permissions.md', () => {
  it('lists the permission catalog exactly', () => {
    const documented = Object.fromEntries(
      tableRows('## Permission strings').map(([resource, actions]) => [code(resource!), actions!.split(',').map((a) => code(a.trim()))]),
    );
    expect(documented).toEqual(Object.fromEntries(Object.entries(PERMISSION_CATALOG).map(([r, actions]) => [r, [...actions]])));
  });

  it('has exactly one row per endpoint, with its method and path, surface, permission, role flag and content action', () => {
    const rows = tableRows('## Endpoints');
    const documented = Object.fromEntries(
      rows.map(([name, route, surface, permission, flag, content]) => [
        code(name!),
        { description: code(route!), surface: surface!.toLowerCase(), permission: code(permission!), roleFlag: code(flag!), content: code(content!) },
      ]),
    );
    expect(rows).toHaveLength(Object.keys(documented).length);
    const expected = Object.fromEntries(
      Object.entries(ENDPOINTS).map(([name, rule]) => {
        const r = rule as { description: string; surface: string; permission: string | null; roleFlag?: string; content?: string };
        return [name, { description: r.description, surface: r.surface, permission: r.permission, roleFlag: r.roleFlag ?? null, content: r.content ?? null }];
      }),
    );
    expect(documented).toEqual(expected);
  });
});

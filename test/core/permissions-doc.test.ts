/**
 * `docs/permissions.md` and the code say the same thing: the permission catalog, one row per entry
 * of `ENDPOINTS` (whoever adds an endpoint must document it) and the public routes. That the
 * registered routes are these is checked in `test/http/routes.test.ts`.
 */
import { describe, expect, it } from 'vitest';
import { ENDPOINTS, PUBLIC_ROUTES, type Endpoint } from '../../src/core/endpoints.ts';
import { PERMISSION_CATALOG } from '../../src/core/permissions.ts';
import { code, readDoc, tableRows } from '../support/docs-table.ts';

const doc = readDoc('permissions.md');

function rows(heading: string): string[][] {
  const found = tableRows(doc, heading);
  expect(found, `docs/permissions.md has a "${heading}" section`).not.toBeNull();
  return found ?? [];
}

describe('docs/permissions.md', () => {
  it('lists the permission catalog exactly', () => {
    const documented = Object.fromEntries(
      rows('## Permission strings').map(([resource, actions]) => [code(resource!), actions!.split(',').map((a) => code(a.trim()))]),
    );
    expect(documented).toEqual(Object.fromEntries(Object.entries(PERMISSION_CATALOG).map(([r, actions]) => [r, [...actions]])));
  });

  it('has exactly one row per endpoint, with its routes, surface, permission, role flag and content action', () => {
    const endpointRows = rows('## Endpoints');
    const documented = Object.fromEntries(
      endpointRows.map(([name, route, surface, permission, flag, content]) => [
        code(name!),
        { routes: code(route!), surface: surface!.toLowerCase(), permission: code(permission!), roleFlag: code(flag!), content: code(content!) },
      ]),
    );
    expect(endpointRows).toHaveLength(Object.keys(documented).length);
    const expected = Object.fromEntries(
      Object.entries(ENDPOINTS).map(([name, endpoint]: [string, Endpoint]) => [
        name,
        {
          routes: endpoint.routes.map((r) => `${r.method} ${r.path}`).join(', '),
          surface: endpoint.surface,
          permission: endpoint.permission,
          roleFlag: endpoint.roleFlag ?? null,
          content: endpoint.content ?? null,
        },
      ]),
    );
    expect(documented).toEqual(expected);
  });

  it('lists the public routes exactly', () => {
    const documented = rows('## Public routes').map(([route]) => code(route!));
    expect(documented).toEqual(PUBLIC_ROUTES.map((r) => `${r.method} ${r.path}`));
  });
});

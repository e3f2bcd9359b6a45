/**
 * Screenshots of the console's main pages for the README (1280×800 and 390×844), and the time a
 * list of 1,000 tokens takes to show. Not part of `npm test`: it writes into `docs/console/`.
 *
 *   npx tsx test/console/screenshots.ts
 */
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { startHarness, type Harness } from '../support/harness.ts';
import { closeBrowser, ensureConsoleBuilt, launchChromium, RealClock, ROOT } from './support.ts';

const OUT = `${ROOT}docs/console`;

async function must(h: Harness, token: string, method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) {
  const res = await h.request(method, url, { token, ...(body !== undefined ? { body } : {}) });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json() as { data: { id: string; attributes: Record<string, unknown> } };
}

async function seed(h: Harness): Promise<{ secret: string; role: string }> {
  // A setup token with a generous limit: the full-access token keeps the default (60 per 3 s).
  const roles = (await h.request('GET', '/roles', { token: h.adminSecret })).json() as { data: { id: string; attributes: { name: string } }[] };
  const admin = roles.data.find((r) => r.attributes.name === 'Admin')!.id;
  const setup = await must(h, h.adminSecret, 'POST', '/access_tokens', {
    data: {
      type: 'access_token',
      attributes: {
        name: 'Setup script',
        can_access_cma: true,
        can_access_cda: true,
        can_access_cda_preview: true,
        rate_limit: { cma: { limit: 1_000_000, period_seconds: 1 } },
      },
      relationships: { role: { data: { type: 'role', id: admin } } },
    },
  });
  const secret = setup.data.attributes.token as string;
  const model = await must(h, secret, 'POST', '/item-types', {
    data: {
      type: 'item_type',
      attributes: { name: 'Page', api_key: 'page', tree: true, fields: [{ api_key: 'title', label: 'Title', field_type: 'string', required: true }] },
    },
  });
  const item = async (title: string, parent?: string) =>
    (
      await must(h, secret, 'POST', '/items', {
        data: {
          type: 'item',
          attributes: { title, ...(parent ? { parent_id: parent } : {}) },
          relationships: { item_type: { data: { type: 'item_type', id: model.data.id } } },
        },
      })
    ).data.id;
  const docs = await item('Docs site');
  const journal = await item('Journal', docs);
  await item('Guides', docs);
  await item('Shop');
  const editor = await must(h, secret, 'POST', '/roles', {
    data: {
      type: 'role',
      attributes: {
        name: 'Editor',
        can_access_audit_log: true,
        positive_item_type_permissions: [{ item_type: null, action: 'all', on_creator: 'anyone' }],
        negative_item_type_permissions: [{ item_type: null, action: 'delete', on_creator: 'anyone' }],
      },
    },
  });
  await must(h, secret, 'POST', '/users', {
    data: {
      type: 'user',
      attributes: { email: 'ada@example.com', full_name: 'Ada Lovelace' },
      relationships: { role: { data: { type: 'role', id: editor.data.id } } },
    },
  });
  const token = (name: string, attributes: Record<string, unknown>, roots: string[] = []) =>
    must(h, secret, 'POST', '/access_tokens', {
      data: {
        type: 'access_token',
        attributes: { name, can_access_cma: false, can_access_cda: true, can_access_cda_preview: false, ...attributes },
        relationships: { role: { data: { type: 'role', id: editor.data.id } }, root_nodes: { data: roots.map((id) => ({ type: 'item', id })) } },
      },
    });
  await token('Website front end', { permissions: ['content:read'] });
  await token('Preview build', {
    can_access_cda_preview: true,
    permissions: ['content:read', 'content:preview'],
    expires_at: new Date(Date.now() + 3 * 86_400_000).toISOString(),
  });
  await token('Journal section', { permissions: ['content:read'] }, [journal]);
  await token('Nightly import', { can_access_cma: true, can_access_cda: false, permissions: ['content:*', 'schema:read'], ip_allowlist: ['10.0.0.0/8'] });
  const old = await token('Old campaign site', { permissions: ['content:read'] });
  await must(h, secret, 'PUT', `/access_tokens/${old.data.id}`, { data: { type: 'access_token', id: old.data.id, attributes: { enabled: false } } });
  return { secret, role: editor.data.id };
}

async function shoot(page: Page, name: string, full = false): Promise<void> {
  const { width } = page.viewportSize() ?? { width: 0 };
  await page.screenshot({ path: `${OUT}/${name}-${width}.png`, fullPage: full });
}

async function pages(page: Page, base: string, admin: string): Promise<void> {
  await page.goto(`${base}/admin`);
  await shoot(page, 'sign-in');
  await page.getByLabel('API token').fill(admin);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Website front end' }).waitFor();
  await shoot(page, 'tokens');
  await page.getByRole('button', { name: 'New API token' }).click();
  await page.getByRole('button', { name: 'Expand Docs site' }).click();
  await page.getByRole('checkbox', { name: /^Journal/ }).waitFor();
  await shoot(page, 'new-token', true);
  await page.getByRole('link', { name: 'API tokens', exact: true }).click();
  await page.getByRole('link', { name: 'Journal section' }).click();
  await page.getByRole('heading', { level: 1, name: 'Journal section' }).waitFor();
  await page.getByRole('button', { name: 'Check access' }).click();
  await page.getByTestId('verdict').waitFor();
  await shoot(page, 'token', true);
  await page.getByRole('link', { name: 'Roles' }).click();
  await page.getByRole('row', { name: /Editor/ }).waitFor();
  await shoot(page, 'roles');
  await page.getByRole('link', { name: 'Users' }).click();
  await page.getByRole('row', { name: /Ada Lovelace/ }).waitFor();
  await shoot(page, 'users');
  await page.getByRole('link', { name: 'Audit log' }).click();
  await page.getByText(/\d+ events/).waitFor();
  await shoot(page, 'audit');
  await page.getByRole('button', { name: 'Sign out' }).click();
}

async function thousand(h: Harness, page: Page, base: string, setup: { secret: string; role: string }): Promise<void> {
  for (let i = 0; i < 1_000; i++) {
    await must(h, setup.secret, 'POST', '/access_tokens', {
      data: {
        type: 'access_token',
        attributes: {
          name: `Bulk token ${String(i).padStart(4, '0')}`,
          can_access_cma: false,
          can_access_cda: true,
          can_access_cda_preview: false,
          permissions: ['content:read'],
        },
        relationships: { role: { data: { type: 'role', id: setup.role } } },
      },
    });
  }
  await page.goto(`${base}/admin`);
  await page.getByLabel('API token').fill(h.adminSecret);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Roles' }).click();
  await page.getByRole('heading', { name: 'Roles' }).waitFor();
  const runs: string[] = [];
  for (let run = 0; run < 3; run++) {
    // Timed inside the page, from the click to the first frame painted with every row, so the
    // test driver's own queries over a big DOM do not count.
    // A string, so the TypeScript runner adds no helpers the page does not have.
    runs.push(
      await page.evaluate<string>(`new Promise((resolve) => {
        const started = performance.now();
        [...document.querySelectorAll('nav a')].find((a) => a.textContent === 'API tokens').click();
        let first = null;
        const poll = () => {
          const rows = document.querySelectorAll('table.tokens tbody tr').length;
          if (first === null && rows > 0) first = Math.round(performance.now() - started);
          if (rows >= 1000) requestAnimationFrame(() => resolve(first + ' ms to the first rows, ' + Math.round(performance.now() - started) + ' ms to all'));
          else requestAnimationFrame(poll);
        };
        poll();
      })`),
    );
    await page.getByRole('link', { name: 'Roles' }).click();
    await page.getByRole('heading', { name: 'Roles' }).waitFor();
  }
  await page.getByRole('link', { name: 'API tokens', exact: true }).click();
  await page.getByRole('link', { name: 'Bulk token 0999' }).waitFor();
  const rows = await page.getByRole('row').count();
  const searchStarted = Date.now();
  await page.getByLabel('Search by name').fill('0999');
  await page.getByText(/^1 of \d+ tokens$/).waitFor();
  const search = Date.now() - searchStarted;
  // The API's share: the same list request the page makes, timed in the page.
  const fetches = await page.evaluate(async () => {
    const token = Object.values(sessionStorage)[0] ?? '';
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      await (await fetch('/access_tokens', { headers: { authorization: `Bearer ${token}` } })).json();
      times.push(Math.round(performance.now() - started));
    }
    return times;
  });
  process.stdout.write(
    `1,000 tokens: ${rows - 1} rows; click → table (fetch + render): ${runs.join('; ')}; ` +
      `GET /access_tokens alone ${fetches.join(' / ')} ms; search to 1 row ${search} ms\n`,
  );
}

async function main(): Promise<void> {
  ensureConsoleBuilt();
  mkdirSync(OUT, { recursive: true });
  const h = await startHarness({ clock: new RealClock() });
  const browser = await launchChromium();
  try {
    const base = await h.listen();
    const setup = await seed(h);
    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 390, height: 844 },
    ]) {
      const context = await browser.newContext({ viewport });
      await pages(await context.newPage(), base, h.adminSecret);
      await context.close();
    }
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await thousand(h, await context.newPage(), base, setup);
  } finally {
    await closeBrowser(browser);
    await h.close();
  }
}

await main();

/**
 * The console in a real browser (Debian's Chromium through playwright-core) against a Latchkey
 * listening on 127.0.0.1: every control is found by its role and accessible name, as a keyboard
 * or screen-reader user would find it, and every effect is checked against the API itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startHarness, type Harness } from '../support/harness.ts';
import { adminRoleId, asAdmin, createItem, createItemType } from '../content/fixtures.ts';
import { closeBrowser, ensureConsoleBuilt, launchChromium, RealClock } from './support.ts';

let h: Harness;
let base: string;
let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;
let site: string;
let journal: string;
let article: string;

/** A delivery-API call with a secret, as the website using the new token would make it. */
async function cda(secret: string): Promise<number> {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ allPages { title } }' }),
  });
  await res.arrayBuffer();
  return res.status;
}

async function signIn(secret: string): Promise<void> {
  await page.goto(`${base}/admin`);
  await page.getByLabel('API token').fill(secret);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'API tokens', exact: true }).waitFor();
}

async function openToken(name: string): Promise<void> {
  await page.getByRole('link', { name: 'API tokens', exact: true }).click();
  await page.getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

beforeAll(async () => {
  ensureConsoleBuilt();
  h = await startHarness({ clock: new RealClock() });
  base = await h.listen();
  const pageModel = await createItemType(h, 'page', [{ api_key: 'title', field_type: 'string', required: true }], { tree: true, name: 'Page' });
  site = await createItem(h, pageModel, { title: 'Docs site' }, { publish: true });
  journal = await createItem(h, pageModel, { title: 'Journal' }, { parentId: site, publish: true });
  article = await createItem(h, pageModel, { title: 'First post' }, { parentId: journal, publish: true });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  page = await context.newPage();
  page.setDefaultTimeout(30_000);
}, 90_000);

afterAll(async () => {
  await closeBrowser(browser);
  await h?.close();
});

// A browser drives each test through a dozen pages; when the whole suite runs in parallel on a
// small machine, one such test can take far longer than the unit tests' 20-second bound.
describe('the web console', { timeout: 60_000 }, () => {
  it('signs in with an API token kept only in the tab, never in a URL, localStorage or a cookie', async () => {
    await signIn(h.adminSecret);
    await page.getByRole('heading', { name: 'API tokens' }).waitFor();
    const stored = await page.evaluate(() => ({
      session: Object.values(sessionStorage),
      local: Object.keys(localStorage).length,
      cookie: document.cookie,
      url: location.href,
    }));
    expect(stored.session).toContain(h.adminSecret);
    expect(stored.local).toBe(0);
    expect(stored.cookie).toBe('');
    expect(stored.url).not.toContain(h.adminSecret);
    await expect(page.getByRole('row', { name: /Full-access API token/ }).count()).resolves.toBe(1);
  });

  it('creates a token scoped with the root-node picker; the copied secret works against the API', async () => {
    await page.getByRole('button', { name: 'New API token' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Journal front end');
    await page.getByLabel('Role', { exact: true }).selectOption({ label: 'Admin' });
    await page.getByRole('checkbox', { name: 'Content Delivery API', exact: true }).check();
    await page.getByRole('checkbox', { name: 'Content Management API' }).uncheck();
    await page.getByRole('button', { name: 'Expand Docs site' }).click();
    await page.getByRole('checkbox', { name: /^Journal/ }).check();
    await page.getByRole('button', { name: 'Create API token' }).click();

    const field = page.getByRole('textbox', { name: 'Secret' });
    await field.waitFor();
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(await field.inputValue());
    expect(copied).toMatch(/^lk_/);

    expect(await cda(copied)).toBe(200);
    const list = await asAdmin(h, 'GET', '/access_tokens');
    const created = list.json().data.find((t: { attributes: { name: string } }) => t.attributes.name === 'Journal front end');
    expect(created.relationships.root_nodes.data).toEqual([{ type: 'item', id: journal }]);
    expect(created.attributes.can_access_cma).toBe(false);
  });

  it('explains access layer by layer through the access explainer', async () => {
    await openToken('Journal front end');
    await page.getByRole('button', { name: 'Reveal secret' }).click();
    expect(await page.getByRole('textbox', { name: 'Secret' }).inputValue()).toMatch(/^lk_/);
    const explainer = page.getByRole('region', { name: 'Access explainer' });
    await explainer.getByLabel('Permission').selectOption('content:read');
    await explainer.getByLabel('Surface').selectOption('cda');
    await explainer.getByLabel('Record id').fill(site);
    await explainer.getByRole('button', { name: 'Check access' }).click();
    await expect(explainer.getByTestId('verdict').textContent()).resolves.toMatch(/Refused by the scope layer/);
    await explainer.getByLabel('Record id').fill(article);
    await explainer.getByRole('button', { name: 'Check access' }).click();
    await explainer.getByText(/^Allowed/).waitFor();
    await explainer.getByLabel('Surface').selectOption('cma');
    await explainer.getByRole('button', { name: 'Check access' }).click();
    await explainer.getByText(/Refused by the surface layer/).waitFor();
  });

  it('rotates with a grace period: the old and the new secret both work', async () => {
    const before = (await asAdmin(h, 'GET', '/access_tokens'))
      .json()
      .data.find((t: { attributes: { name: string } }) => t.attributes.name === 'Journal front end');
    const old = before.attributes.token as string;
    await page.getByRole('button', { name: 'Rotate' }).click();
    const dialog = page.getByRole('dialog', { name: /Rotate/ });
    await dialog.getByRole('radio', { name: '15 minutes' }).check();
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    // The Secret field shows the rotated secret once the server has answered.
    const secretField = page.getByRole('textbox', { name: 'Secret' }).first();
    await expect.poll(() => secretField.inputValue(), { timeout: 30_000 }).not.toBe(old);
    const fresh = await secretField.inputValue();
    expect(fresh).toMatch(/^lk_/);
    expect(await cda(fresh)).toBe(200);
    expect(await cda(old)).toBe(200);
  });

  it('disables a token after confirmation; its secret is then refused', async () => {
    const secret = await page.getByRole('textbox', { name: 'Secret' }).first().inputValue();
    await page.getByRole('button', { name: 'Disable' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('button', { name: 'Enable' }).waitFor();
    await page.getByText('disabled', { exact: true }).first().waitFor();
    expect(await cda(secret)).toBe(401);
  });

  it('deletes a token after confirmation', async () => {
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('heading', { level: 1, name: 'API tokens' }).waitFor();
    await page
      .getByText(/tokens$/)
      .first()
      .waitFor();
    expect(await page.getByRole('link', { name: 'Journal front end' }).count()).toBe(0);
    const list = await asAdmin(h, 'GET', '/access_tokens');
    expect(list.json().data.some((t: { attributes: { name: string } }) => t.attributes.name === 'Journal front end')).toBe(false);
  });

  it('disables several tokens at once with one confirmation', async () => {
    for (const name of ['Bulk one', 'Bulk two']) {
      const res = await asAdmin(h, 'POST', '/access_tokens', {
        data: {
          type: 'access_token',
          attributes: { name, can_access_cma: false, can_access_cda: true, can_access_cda_preview: false },
          relationships: { role: { data: { type: 'role', id: await adminRoleId(h) } } },
        },
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    await page.getByRole('link', { name: 'Audit log', exact: true }).click();
    await page.getByRole('link', { name: 'API tokens', exact: true }).click();
    await page.getByLabel('Search by name').fill('Bulk');
    await page.getByText(/^2 of \d+ tokens$/).waitFor();
    await page.getByRole('checkbox', { name: 'Select Bulk one' }).check();
    await page.getByRole('checkbox', { name: 'Select Bulk two' }).check();
    await page.getByRole('button', { name: 'Disable selected' }).click();
    await page.getByRole('dialog', { name: 'Disable 2 tokens?' }).getByRole('button', { name: 'Confirm' }).click();
    await page.getByLabel('Status').selectOption('disabled');
    await page.getByText(/^2 of \d+ tokens$/).waitFor();
    const list = (await asAdmin(h, 'GET', '/access_tokens')).json().data as { attributes: { name: string; enabled: boolean } }[];
    expect(list.filter((t) => t.attributes.name.startsWith('Bulk')).map((t) => t.attributes.enabled)).toEqual([false, false]);
  });

  it('creates a role and a user on that role', async () => {
    await page.getByRole('link', { name: 'Roles', exact: true }).click();
    await page.getByRole('button', { name: 'New role' }).click();
    await page.getByLabel('Role name').fill('Schema editor');
    await page.getByRole('checkbox', { name: 'Edit models' }).check();
    await page.getByRole('button', { name: 'Add entry' }).first().click();
    await page.getByRole('button', { name: 'Save role' }).click();
    await page.getByRole('row', { name: /Schema editor.*Edit models.*read on every model/ }).waitFor();
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.getByLabel('Email').fill('grace@example.com');
    await page.getByLabel('Full name').fill('Grace Hopper');
    await page.getByLabel('User role').selectOption({ label: 'Schema editor' });
    await page.getByRole('button', { name: 'Add user' }).click();
    await page.getByRole('row', { name: /Grace Hopper/ }).waitFor();
    const users = (await asAdmin(h, 'GET', '/users')).json().data as { attributes: { email: string } }[];
    expect(users.map((u) => u.attributes.email)).toContain('grace@example.com');
  });

  it('shows a refused escalation next to the field, with the layer, and signs out', async () => {
    // A token manager that may not grant users:write, on the same role as the one it picks.
    const res = await asAdmin(h, 'POST', '/access_tokens', {
      data: {
        type: 'access_token',
        attributes: {
          name: 'Token manager',
          can_access_cma: true,
          can_access_cda: true,
          can_access_cda_preview: false,
          permissions: ['api-keys:*', 'content:read', 'schema:read'],
        },
        relationships: { role: { data: { type: 'role', id: await adminRoleId(h) } } },
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    await page.getByRole('button', { name: 'Sign out' }).click();
    const manager = res.json().data.attributes.token as string;
    await signIn(manager);
    // Controls the token may not use are shown as unavailable, not as errors.
    await page.getByRole('link', { name: 'Users' }).click();
    await page
      .getByText(/Your token may not do this/)
      .first()
      .waitFor();
    await page.getByRole('link', { name: 'API tokens', exact: true }).click();
    await page.getByRole('button', { name: 'New API token' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Too strong');
    expect(await page.getByRole('checkbox', { name: 'users:write' }).isDisabled()).toBe(true);
    await page.getByLabel('Add permission string').fill('users:write');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('button', { name: 'Create API token' }).click();
    const error = page.locator('#error-permissions');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/users:write.*escalation/);
    expect(await page.getByRole('group', { name: 'Permissions' }).getAttribute('aria-describedby')).toBe('error-permissions');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();

    // A token disabled while signed in ends the session instead of failing page after page.
    await signIn(manager);
    const id = res.json().data.id as string;
    const disabled = await asAdmin(h, 'PUT', `/access_tokens/${id}`, { data: { type: 'access_token', id, attributes: { enabled: false } } });
    expect(disabled.statusCode, disabled.body).toBe(200);
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.getByText(/no longer accepted/).waitFor();
    await page.getByLabel('API token').waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });
});

import { type AuditEntry, type License } from '@keyledger/contract';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type BrowserContext, type Page } from 'playwright-core';
import { startApp, type TestApp } from '../support/app';
import { type BrowserSession, openBrowser, screenshot } from '../support/browser';
import { ApiClient } from '../support/client';
import { entryDrawer, entryRows, eventually, expectUrl } from '../support/page';
import { expectOk, VendorFixtures } from '../support/vendor';

/**
 * The audit page people live in, in Debian's Chromium against the built web app and the real API:
 * filter by typing in the query bar and by the dropdowns (each shows the other's choice), keep it
 * through a reload, shrug off an outdated link; open an entry from its URL and step to the next;
 * find a license's entries from its full key, pasted as support would from a customer's email.
 * Every step leaves a screenshot in apps/api/test-results (gitignored).
 */
const WEB_DIST = resolve(__dirname, '../../../web/dist');

jest.setTimeout(90_000);

describe('the audit page: query bar, entry links, license keys', () => {
  let t: TestApp;
  let b: BrowserSession;
  let license: License;
  let entries: AuditEntry[];
  const tag = randomUUID().slice(0, 8);
  const user = {
    accountName: `Initech ${tag}`,
    name: `Peter ${tag}`,
    email: `peter-${tag}@initech.test`,
    password: 'tps-report-cover-42',
  };

  const bar = (page: Page) => page.getByRole('textbox', { name: 'Filter the audit log' });
  const chips = (page: Page) =>
    page.getByRole('list', { name: 'Active filters' }).getByRole('listitem').allTextContents();

  beforeAll(async () => {
    if (!existsSync(join(WEB_DIST, 'index.html'))) {
      throw new Error(`The web app is not built (${WEB_DIST}): run "npm run build" first`);
    }
    t = await startApp({ WEB_DIST });
    const api = new ApiClient(t.url);
    await api.signup(user);
    const vendor = new VendorFixtures(api);
    license = await vendor.license();
    await expectOk(api.post(`/api/v1/licenses/${license.id}/disable`));
    await vendor.product({ name: `Stapler ${tag}` });
    entries = (await expectOk<{ items: AuditEntry[] }>(api.get('/api/v1/audit-log?limit=50')))
      .items;
    b = await openBrowser(t.url);
    const { page } = b;
    await page.goto('/login');
    const form = page.getByRole('form', { name: 'Sign in' });
    await form.getByRole('textbox', { name: 'Email' }).fill(user.email);
    await form.getByLabel('Password').fill(user.password);
    await form.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname !== '/login');
  });

  afterAll(async () => {
    await b?.close();
    await t?.close();
  });

  it('filters by typing in the query bar: the chip, the dropdown and the URL follow', async () => {
    const { page } = b;
    await page.goto('/settings/audit-logs');
    const rows = entryRows(page, 'Audit log');
    await rows.filter({ hasText: 'Product created' }).first().waitFor();

    await bar(page).fill('action:license_disabled');
    await bar(page).press('Enter');
    await expectUrl(page, '/settings/audit-logs', { action: 'license_disabled' });
    await eventually(async () => {
      expect(await chips(page)).toEqual(['Action: License disabled']);
    });
    // The Actions dropdown shows the typed condition.
    const actions = page.getByRole('textbox', { name: 'Actions' });
    await expect(
      actions
        .locator('xpath=ancestor::*[contains(@class, "mantine-MultiSelect-root")][1]')
        .textContent(),
    ).resolves.toContain('License disabled');
    await eventually(async () => {
      expect(await rows.allTextContents()).toEqual([expect.stringContaining('License disabled')]);
    });
    await page.getByTestId('filter-summary').getByText('Filter: License disabled.').waitFor();
    await screenshot(page, 'audit-page-1-typed-filter');
  });

  it('filters by dropdown: the chip appears in the bar; a bad token is underlined and not sent', async () => {
    const { page } = b;
    await page.getByRole('textbox', { name: 'Item type' }).click();
    await page.getByRole('option', { name: 'License', exact: true }).click();
    await expectUrl(page, '/settings/audit-logs', {
      action: 'license_disabled',
      itemType: 'license',
    });
    await eventually(async () => {
      expect(await chips(page)).toEqual(['Action: License disabled', 'Item: License']);
    });

    await bar(page).fill('created:2026-02-30');
    await bar(page).press('Enter');
    await page
      .getByText('"created:2026-02-30": "2026-02-30" is not a date', { exact: false })
      .waitFor();
    await expect(bar(page).getAttribute('aria-invalid')).resolves.toBe('true');
    expect(new URL(page.url()).searchParams.get('q')).toBeNull();
    expect(b.pageErrors).toEqual([]);
    await screenshot(page, 'audit-page-2-dropdown-and-bad-token');
  });

  it('keeps the filters through a reload', async () => {
    const { page } = b;
    await page.reload();
    await expectUrl(page, '/settings/audit-logs', {
      action: 'license_disabled',
      itemType: 'license',
    });
    await eventually(async () => {
      expect(await chips(page)).toEqual(['Action: License disabled', 'Item: License']);
    });
    await expect(page.getByRole('textbox', { name: 'Item type' }).inputValue()).resolves.toBe(
      'License',
    );
    const rows = entryRows(page, 'Audit log');
    await eventually(async () => {
      expect(await rows.allTextContents()).toEqual([expect.stringContaining('License disabled')]);
    });
    await screenshot(page, 'audit-page-3-after-reload');
  });

  it('drops an outdated link parameter with a small notice, not an error page', async () => {
    const { page } = b;
    await page.goto(
      '/settings/audit-logs?actor=not-an-email&itemType=spaceship&action=product_created',
    );
    await page.getByText('Part of this link was ignored').waitFor();
    await page.getByText(/actor=not-an-email; itemType=spaceship/).waitFor();
    await entryRows(page, 'Audit log').filter({ hasText: 'Product created' }).first().waitFor();
    await expectUrl(page, '/settings/audit-logs', { action: 'product_created' });
    expect(new URL(page.url()).searchParams.get('actor')).toBeNull();
    await expect(page.getByText('The audit log could not be loaded').count()).resolves.toBe(0);
    await screenshot(page, 'audit-page-4-outdated-link');
  });

  it('opens an entry from its URL, steps to the next one, and the URL follows', async () => {
    const { page } = b;
    const [newest, older] = entries;
    await page.goto(`/settings/audit-logs?entry=${newest!.id}`);
    const drawer = await entryDrawer(page);
    await drawer.getByText(`Stapler ${tag}`).first().waitFor();
    await screenshot(page, 'audit-page-5-entry-by-url');

    await drawer.getByRole('button', { name: 'Older →' }).click();
    await expectUrl(page, '/settings/audit-logs', { entry: older!.id });
    await drawer.getByRole('button', { name: '← Newer' }).waitFor();
    await eventually(async () => {
      expect(await drawer.textContent()).toContain(older!.seq!.toString());
    });
    // The copied link is the entry's own URL.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await drawer.getByRole('button', { name: 'Copy link' }).click();
    await drawer.getByRole('button', { name: 'Link copied' }).waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(`${t.url}/settings/audit-logs?entry=${older!.id}`);
    await screenshot(page, 'audit-page-6-next-entry');

    // A fresh tab on the copied link opens the same entry.
    const other = await page.context().newPage();
    await other.goto(copied);
    const again = await entryDrawer(other);
    await eventually(async () => {
      expect(await again.textContent()).toContain(older!.id);
    });
    await other.close();
  });

  /** The list requests (GET /api/v1/audit-log) a page makes, with the script that made each. */
  async function listRequests(context: BrowserContext, page: Page) {
    const seen: { query: string; by: string }[] = [];
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    cdp.on('Network.requestWillBeSent', (e) => {
      const url = new URL(e.request.url);
      if (url.pathname !== '/api/v1/audit-log') return;
      const frame = e.initiator.stack?.callFrames[0];
      seen.push({
        query: url.search,
        by: new URL(frame?.url ?? e.initiator.url ?? t.url).pathname,
      });
    });
    return seen;
  }

  it('asks for the first rows once, from the early script before the app has run; with filters, from the app', async () => {
    const page = await b.context.newPage();
    try {
      const seen = await listRequests(b.context, page);
      await page.goto('/settings/audit-logs');
      await entryRows(page, 'Audit log').first().waitFor();
      await eventually(async () => {
        expect(seen).toEqual([
          { query: '?limit=50', by: expect.stringMatching(/^\/assets\/early-.+\.js$/) },
        ]);
      });
      // The app took that answer over: no second request, even once everything has settled.
      await page.waitForLoadState('networkidle');
      expect(seen).toHaveLength(1);

      // With a filter in the URL the early script leaves the request to the app: still one.
      seen.length = 0;
      await page.goto('/settings/audit-logs?itemType=license');
      await entryRows(page, 'Audit log').first().waitFor();
      await page.waitForLoadState('networkidle');
      expect(seen).toEqual([
        {
          query: '?itemType=license&limit=50',
          by: expect.stringMatching(/^\/assets\/index-.+\.js$/),
        },
      ]);
    } finally {
      await page.close();
    }
  });

  it('signed out: the early answer (401) is dropped, sign-in leads back to the entries', async () => {
    const context = await b.browser.newContext({
      baseURL: t.url,
      viewport: { width: 1280, height: 860 },
    });
    try {
      const page = await context.newPage();
      const seen = await listRequests(context, page);
      await page.goto('/settings/audit-logs');
      await page.waitForURL((url) => url.pathname === '/login');
      const form = page.getByRole('form', { name: 'Sign in' });
      await form.getByRole('textbox', { name: 'Email' }).fill(user.email);
      await form.getByLabel('Password').fill(user.password);
      await form.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL((url) => url.pathname === '/settings/audit-logs');
      await entryRows(page, 'Audit log').first().waitFor();
      // One early request (answered 401, never shown), then the app's own once signed in.
      expect(seen.map((r) => r.by.replace(/-[^/]+\.js$/, ''))).toEqual([
        '/assets/early',
        '/assets/index',
      ]);
      await screenshot(page, 'audit-page-9-signed-in-after-early-401');
    } finally {
      await context.close();
    }
  });

  it("finds a license's entries by its full key, and says it matched the masked key", async () => {
    const { page } = b;
    await page.goto('/settings/audit-logs');
    await bar(page).fill(license.key.toLowerCase());
    await bar(page).press('Enter');
    const masked = license.keyHint;
    await page.getByText(`${license.key} is matched as ${masked}`, { exact: false }).waitFor();
    const rows = entryRows(page, 'Audit log');
    await eventually(async () => {
      const texts = await rows.allTextContents();
      expect(texts).toEqual(
        expect.arrayContaining([
          expect.stringContaining('License disabled'),
          expect.stringContaining('License created'),
        ]),
      );
      for (const text of texts) expect(text).toContain(masked);
    });
    // The key is in the URL as typed (it is the viewer's own search), never in the entries.
    await expect(
      page.getByRole('table', { name: 'Audit log' }).textContent(),
    ).resolves.not.toContain(license.key);
    await screenshot(page, 'audit-page-7-full-license-key');

    // The Licenses list finds it by the same key.
    await page.goto('/licenses');
    const keyBox = page.getByRole('textbox', { name: 'License key' });
    await keyBox.fill(license.key);
    await keyBox.press('Enter');
    await expectUrl(page, '/licenses', { key: license.key });
    await page.getByRole('table', { name: 'Licenses' }).getByText(license.key).waitFor();
    await screenshot(page, 'audit-page-8-licenses-by-key');
    expect(
      readFileSync(join(__dirname, '../../test-results/audit-page-8-licenses-by-key.png')).length,
    ).toBeGreaterThan(0);
  });
});

import { type License } from '@keyledger/contract';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startApp, type TestApp } from '../support/app';
import { type BrowserSession, openBrowser, screenshot } from '../support/browser';
import { changeCells, entryDrawer, entryRows, eventually, expectUrl } from '../support/page';
import { ApiClient } from '../support/client';
import { parseCsv } from '../support/csv';
import { freePort } from '../support/private-services';
import { VendorFixtures } from '../support/vendor';
import { startWorker, type TestWorker } from '../support/worker';

/**
 * The built web app against the real API and worker, in Debian's Chromium: a license made over the
 * API is disabled from its page; the entry shows at the top of its history and in Settings > Audit
 * logs, survives filtering by action and by dates and a reload, opens in the drawer with its diff,
 * and ends up in a CSV export downloaded through the UI.
 */
const WEB_DIST = resolve(__dirname, '../../../web/dist');

jest.setTimeout(60_000);

describe('a license disabled in the web app, found in the audit log and its export', () => {
  let t: TestApp;
  let worker: TestWorker;
  let b: BrowserSession;
  let license: License;
  const tag = randomUUID().slice(0, 8);
  const user = {
    accountName: `Globex ${tag}`,
    name: `Hank ${tag}`,
    email: `hank-${tag}@globex.test`,
    password: 'cypress-creek-42',
  };
  // The browser runs in UTC (see openBrowser), so "today" there is today in UTC.
  const today = new Date().toISOString().slice(0, 10);
  const todayLabel = new Date().toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });

  beforeAll(async () => {
    if (!existsSync(join(WEB_DIST, 'index.html'))) {
      throw new Error(
        `The web app is not built (${join(WEB_DIST, 'index.html')} is missing): run "npm run build" ` +
          '(or "npm run build -w @keyledger/contract && npm run build -w @keyledger/web") first',
      );
    }
    // Download links are built from PUBLIC_URL: let it be this test's own API.
    const port = await freePort();
    const PUBLIC_URL = `http://127.0.0.1:${port}`;
    [t, worker] = await Promise.all([
      startApp({ WEB_DIST, PORT: String(port), PUBLIC_URL }),
      startWorker({ PUBLIC_URL }),
    ]);
    // The account and its items over the API: quicker than the forms, which signup.e2e covers.
    const api = new ApiClient(t.url);
    await api.signup(user);
    const vendor = new VendorFixtures(api);
    const [product, customer] = await Promise.all([
      vendor.product({ name: `Hoverboard ${tag}`, code: `hover-${tag}` }),
      vendor.customer({ email: `buyer-${tag}@cypress.test` }),
    ]);
    const order = await vendor.order(customer.id);
    license = await vendor.license({ orderId: order.id, productId: product.id });
    b = await openBrowser(t.url);
  });

  afterAll(async () => {
    await b?.close();
    await worker?.close();
    await t?.close();
  });

  it('signs in through the login page', async () => {
    const { page } = b;
    await page.goto(`/licenses/${license.id}`);
    await expectUrl(page, '/login');
    const form = page.getByRole('form', { name: 'Sign in' });
    await form.getByRole('textbox', { name: 'Email' }).fill(user.email);
    await form.getByLabel('Password').fill(user.password);
    await form.getByRole('button', { name: 'Sign in' }).click();
    // Back where the link led before signing in.
    await expectUrl(page, `/licenses/${license.id}`);
  });

  it('disables the license from its page and sees the entry at the top of its history', async () => {
    const { page } = b;
    await page.getByRole('button', { name: `Copy license key ${license.key}` }).waitFor();
    const history = entryRows(page, `History of ${license.key}`);
    await history.filter({ hasText: 'License created' }).first().waitFor();

    await page.getByRole('button', { name: 'Disable', exact: true }).click();
    const confirm = page.getByRole('dialog', { name: 'Disable this license?' });
    await confirm.getByText(`${license.key} will refuse new activations`).waitFor();
    await confirm.getByRole('button', { name: 'Disable license' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Enable', exact: true }).waitFor();

    // Without a reload: the mutation refreshes the item's history.
    await history.first().filter({ hasText: 'License disabled' }).waitFor();
    await expect(history.first().textContent()).resolves.toContain(user.email);
    await screenshot(page, 'license-page');
  });

  it('finds it in Settings > Audit logs, filtered by action and dates, also after a reload', async () => {
    const { page } = b;
    // Settings is folded on a license page: open it, as a user would, then follow the link.
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('button', { name: 'Settings' }).click();
    await nav.getByRole('link', { name: 'Audit logs', exact: true }).click();
    await expectUrl(page, '/settings/audit-logs');
    const rows = entryRows(page, 'Audit log');
    await rows.first().filter({ hasText: 'License disabled' }).waitFor();
    await expect(rows.first().textContent()).resolves.toContain(license.keyHint);
    // The license's creation and the items before it are there too, until the filter is set.
    await rows.filter({ hasText: 'License created' }).first().waitFor();

    const actions = page.getByRole('textbox', { name: 'Actions' });
    await actions.click();
    await actions.fill('disabled');
    await page.getByRole('option', { name: 'License disabled' }).click();
    await page.keyboard.press('Escape');
    await expectUrl(page, '/settings/audit-logs', { action: 'license_disabled' });
    await eventually(async () => {
      expect(await rows.allTextContents()).toEqual([expect.stringContaining('License disabled')]);
    });

    // A custom range of today only, picked in the calendar.
    await page.getByRole('textbox', { name: 'Date range' }).click();
    await page.getByRole('option', { name: 'Custom range' }).click();
    await page.getByRole('button', { name: 'Dates' }).click();
    const day = page.getByRole('button', { name: todayLabel, exact: true });
    await day.click();
    await day.click();
    await expectUrl(page, '/settings/audit-logs', {
      action: 'license_disabled',
      range: 'custom',
      from: today,
      to: today,
    });
    await page.keyboard.press('Escape');
    await eventually(async () => {
      expect(await rows.allTextContents()).toEqual([expect.stringContaining('License disabled')]);
    });

    await page.reload();
    await expectUrl(page, '/settings/audit-logs', {
      action: 'license_disabled',
      range: 'custom',
      from: today,
      to: today,
    });
    await rows.first().waitFor();
    await expect(rows.allTextContents()).resolves.toEqual([
      expect.stringContaining('License disabled'),
    ]);
    await expect(rows.first().textContent()).resolves.toContain(license.keyHint);
    // The filter bar shows what it read from the URL.
    const filters = page.getByRole('region', { name: 'Filters' });
    await filters.getByText('License disabled', { exact: true }).waitFor();
    await expect(filters.getByRole('textbox', { name: 'Date range' }).inputValue()).resolves.toBe(
      'Custom range',
    );
    await screenshot(page, 'audit-log-page');
  });

  it('leaves out the entries outside the date range', async () => {
    const { page } = b;
    await page.goto(
      '/settings/audit-logs?action=license_disabled&range=custom&from=2020-01-01&to=2020-01-31',
    );
    await page.getByText('No entries match these filters').waitFor();
    await expect(entryRows(page, 'Audit log').count()).resolves.toBe(0);
    await page.goBack();
    await expectUrl(page, '/settings/audit-logs', { from: today, to: today });
    await entryRows(page, 'Audit log').first().waitFor();
  });

  it('opens the entry in the drawer: Enabled Yes → No', async () => {
    const { page } = b;
    await entryRows(page, 'Audit log').first().click();
    const drawer = await entryDrawer(page);
    await expect(changeCells(drawer, 'Enabled')).resolves.toEqual(['Enabled', 'Yes', 'No']);
    // Entries carry the key's visible part only, never the whole key.
    await drawer.getByText(license.keyHint).first().waitFor();
    await screenshot(page, 'audit-entry-drawer-license');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
  });

  it('exports the filtered entries as CSV, follows the progress to 100% and downloads the file', async () => {
    const { page } = b;
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Export audit log' });
    await dialog.getByText('Entries matching:').waitFor();
    await expect(dialog.getByRole('radio', { name: /^CSV/ }).isChecked()).resolves.toBe(true);
    await dialog.getByRole('button', { name: 'Start export' }).click();

    const progress = dialog.getByRole('progressbar', { name: 'Export progress' });
    await progress.waitFor();
    await eventually(async () => {
      expect(await progress.getAttribute('aria-valuenow')).toBe('100');
    }, 20_000);
    await dialog.getByText(/^Done: 1 entries/).waitFor();
    await screenshot(page, 'audit-export-done');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByRole('link', { name: /^Download / }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    const [header, ...records] = parseCsv(csv);
    expect(header).toEqual(expect.arrayContaining(['action', 'target_id']));
    const col = (name: string) => header!.indexOf(name);
    expect(records).toHaveLength(1);
    const row = records[0]!;
    expect(row[col('action')]).toBe('license_disabled');
    expect(row[col('target_id')]).toBe(license.id);
    expect(row.join(',')).toContain('License disabled');
    expect(row.join(',')).toContain(user.email);
    expect(JSON.parse(row[col('changes')]!)).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'enabled' })]),
    );
  });

  it('went through without a page error or a failed request, but the signed-out check', () => {
    expect(b.pageErrors).toEqual([]);
    expect(b.failedRequests.filter((r) => r !== 'GET /api/v1/auth/me 401')).toEqual([]);
  });
});

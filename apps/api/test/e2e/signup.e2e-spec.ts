import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startApp, type TestApp } from '../support/app';
import { type BrowserSession, openBrowser, screenshot } from '../support/browser';
import { changeCells, entryDrawer, entryRows, eventually, expectUrl } from '../support/page';

/**
 * The built web app against the real API, in Debian's Chromium: sign up, find the sign-up in the
 * audit log, change a product and watch its history, filter the audit log and reload.
 */
const WEB_DIST = resolve(__dirname, '../../../web/dist');

jest.setTimeout(60_000);

describe('the web app against the real API', () => {
  let t: TestApp;
  let b: BrowserSession;
  const tag = randomUUID().slice(0, 8);
  const user = {
    accountName: `Initech ${tag}`,
    name: `Peter ${tag}`,
    email: `peter-${tag}@initech.test`,
    password: 'tps-reports-42',
  };
  const product = {
    name: `Red Stapler ${tag}`,
    code: `stapler-${tag}`,
    features: ['sso', 'audit'],
  };

  beforeAll(async () => {
    if (!existsSync(join(WEB_DIST, 'index.html'))) {
      throw new Error(
        `The web app is not built (${join(WEB_DIST, 'index.html')} is missing): run "npm run build" ` +
          '(or "npm run build -w @keyledger/contract && npm run build -w @keyledger/web") first',
      );
    }
    t = await startApp({ WEB_DIST });
    b = await openBrowser(t.url);
  });

  afterAll(async () => {
    await b?.close();
    await t?.close();
  });

  it('signs up and finds the sign-up in Settings > Audit logs', async () => {
    const { page } = b;
    await page.goto('/');
    await expectUrl(page, '/login');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();

    await page.getByRole('link', { name: 'Create an account' }).click();
    await expectUrl(page, '/signup');
    await page.getByRole('textbox', { name: 'Account name' }).fill(user.accountName);
    await page.getByRole('textbox', { name: 'Your name' }).fill(user.name);
    await page.getByRole('textbox', { name: 'Email' }).fill(user.email);
    await page.getByLabel('Password', { exact: false }).first().fill(user.password);
    await page.getByRole('button', { name: 'Create account' }).click();

    await expectUrl(page, '/settings/audit-logs');
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const label of [
      'Licenses',
      'Orders',
      'Customers',
      'Products',
      'Audit logs',
      'Users',
      'Permission templates',
      'Notification policies',
    ]) {
      await nav.getByRole('link', { name: label, exact: true }).waitFor();
    }
    await expect(
      nav.getByRole('button', { name: 'Settings' }).getAttribute('aria-expanded'),
    ).resolves.toBe('true');
    await page
      .getByRole('button', { name: `Log out ${user.name} from ${user.accountName}` })
      .waitFor();

    const rows = entryRows(page, 'Audit log');
    await rows.filter({ hasText: 'Platform user added' }).first().waitFor();
    await expect(rows.first().textContent()).resolves.toContain(user.email);
    await screenshot(page, 'audit-log-page');
  });

  it('creates a product, deactivates it, and sees it in the product’s history without a reload', async () => {
    const { page } = b;
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Products', exact: true })
      .click();
    await expectUrl(page, '/products');
    await page.getByRole('button', { name: 'New product' }).click();
    const dialog = page.getByRole('dialog', { name: 'New product' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill(product.name);
    await dialog.getByRole('textbox', { name: 'Code' }).fill(product.code);
    const features = dialog.getByRole('textbox', { name: 'Features' });
    for (const f of product.features) {
      await features.fill(f);
      await features.press('Enter');
    }
    await dialog.getByRole('button', { name: 'Create product' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // Back to the list, and open the product from there.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Products', exact: true })
      .click();
    await expectUrl(page, '/products');
    await page
      .getByRole('table', { name: 'Products' })
      .getByRole('link', { name: product.name })
      .click();
    await page.waitForURL(/\/products\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: product.name, level: 1 }).waitFor();

    const history = entryRows(page, `History of ${product.name}`);
    await history.filter({ hasText: 'Product created' }).first().waitFor();
    // A mark on this document: a reload would lose it.
    await page.evaluate(() => document.body.setAttribute('data-e2e-same-document', ''));

    await page.getByRole('button', { name: 'Deactivate' }).click();
    await page.getByRole('button', { name: 'Activate' }).waitFor();
    await history.first().filter({ hasText: 'Product deactivated' }).waitFor();
    await expect(history.nth(1).textContent()).resolves.toContain('Product created');
    await expect(page.locator('body[data-e2e-same-document]').count()).resolves.toBe(1);
    await screenshot(page, 'product-page');

    await history.first().click();
    const drawer = await entryDrawer(page);
    // Field labels and values in words (issue 15), not code names and JSON.
    await expect(changeCells(drawer, 'Status')).resolves.toEqual(['Status', 'active', 'inactive']);
    await screenshot(page, 'audit-entry-drawer');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
  });

  it('filters Settings > Audit logs by action, and keeps the filter through a reload', async () => {
    const { page } = b;
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Audit logs', exact: true }).click();
    await expectUrl(page, '/settings/audit-logs');
    const rows = entryRows(page, 'Audit log');
    await rows.filter({ hasText: 'Product deactivated' }).first().waitFor();

    const actions = page.getByRole('textbox', { name: 'Actions' });
    await actions.click();
    await actions.fill('deactivated');
    await page.getByRole('option', { name: 'Product deactivated' }).click();
    await page.keyboard.press('Escape');
    await expectUrl(page, '/settings/audit-logs', { action: 'product_deactivated' });
    await eventually(async () => {
      expect(await rows.allTextContents()).toEqual([
        expect.stringContaining('Product deactivated'),
      ]);
    });

    await page.reload();
    await expectUrl(page, '/settings/audit-logs', { action: 'product_deactivated' });
    await rows.first().waitFor();
    await expect(rows.allTextContents()).resolves.toEqual([
      expect.stringContaining('Product deactivated'),
    ]);
    await expect(rows.first().textContent()).resolves.toContain(product.name);
    // The filter bar shows the filter it read from the URL.
    const filters = page.getByRole('region', { name: 'Filters' });
    await filters.getByText('Product deactivated', { exact: true }).waitFor();
    await filters.getByRole('button', { name: 'Clear filters' }).waitFor();
    await screenshot(page, 'audit-log-filtered');
  });

  it('went through without a page error or a failed request, but the signed-out checks', () => {
    expect(b.pageErrors).toEqual([]);
    expect(b.failedRequests.filter((r) => r !== 'GET /api/v1/auth/me 401')).toEqual([]);
  });
});

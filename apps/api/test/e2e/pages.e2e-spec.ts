import { type AuditEntry, type Customer, type License } from '@keyledger/contract';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startApp, type TestApp } from '../support/app';
import { launchBrowser, screenshot, settle } from '../support/browser';
import { ApiClient } from '../support/client';
import { entryDrawer, entryRows } from '../support/page';
import { freePort } from '../support/private-services';
import { expectOk, VendorFixtures } from '../support/vendor';
import { startWorker, type TestWorker } from '../support/worker';

/**
 * The built web app against the real API and worker, in Debian's Chromium:
 * - a customer's History › Export writes exactly the entries the History shows: with its related
 *   items' (the default), and only the customer's own once "Include related items" is off;
 * - on a 390×844 phone every main page fits the screen without scrolling sideways, and tapping the
 *   middle of an entry card opens that entry.
 * Each step leaves a screenshot in test-results/.
 */
const WEB_DIST = resolve(__dirname, '../../../web/dist');

jest.setTimeout(120_000);

let t: TestApp;
let worker: TestWorker;
let browser: Browser;
let api: ApiClient;
let customer: Customer;
let license: License;
const tag = randomUUID().slice(0, 8);
const user = {
  accountName: `Initech ${tag}`,
  name: `Peter ${tag}`,
  email: `peter-${tag}@initech.test`,
  password: 'tps-report-cover-42',
};

/** A fresh context signed in as the test user (the session cookie from the API's own sign-in). */
async function signedIn(options: Parameters<Browser['newContext']>[0]): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: t.url, locale: 'en-GB', timezoneId: 'UTC', ...options });
  context.setDefaultTimeout(15_000);
  const res = await context.request.post('/api/v1/auth/login', { data: { email: user.email, password: user.password } });
  expect(res.status()).toBe(200);
  const page = await context.newPage();
  return { context, page };
}

beforeAll(async () => {
  if (!existsSync(join(WEB_DIST, 'index.html'))) {
    throw new Error(`The web app is not built (${join(WEB_DIST, 'index.html')} is missing): run "npm run build" first`);
  }
  const port = await freePort();
  const PUBLIC_URL = `http://127.0.0.1:${port}`;
  [t, worker] = await Promise.all([startApp({ WEB_DIST, PORT: String(port), PUBLIC_URL }), startWorker({ PUBLIC_URL })]);
  api = new ApiClient(t.url);
  await api.signup(user);
  const vendor = new VendorFixtures(api);
  customer = await vendor.customer({ email: `lumbergh-${tag}@initech.test` });
  const product = await vendor.product({ name: `TPS Reporter ${tag}`, code: `tps-${tag}` });
  const order = await vendor.order(customer.id);
  license = await vendor.license({ orderId: order.id, productId: product.id });
  await vendor.device(license.key, `HW-${tag}`);
  await expectOk(api.post(`/api/v1/licenses/${license.id}/disable`));
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await worker?.close();
  await t?.close();
});

describe('before the JavaScript arrives', () => {
  // Scripts off: what shows is index.html alone, as on a slow connection before the scripts arrive.
  it('paints the app frame and says it is loading', async () => {
    const context = await browser.newContext({ baseURL: t.url, javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
    try {
      const page = await context.newPage();
      const res = await page.goto('/settings/audit-logs');
      expect(res?.headers()['cache-control']).toBe('no-cache');
      await page.getByText('Loading Keyledger…').waitFor();
      await screenshot(page, 'pages-static-shell');
    } finally {
      await context.close();
    }
  });
});

describe("a customer's History › Export", () => {
  let page: Page;
  let context: BrowserContext;
  beforeAll(async () => {
    ({ context, page } = await signedIn({ viewport: { width: 1280, height: 860 } }));
  });
  afterAll(() => context?.close());

  async function exportFromHistory(expected: { description: RegExp; rows: number }, shot: string) {
    const history = page.getByRole('region', { name: 'History' });
    await history.getByRole('button', { name: /^Export/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Export audit log' });
    await dialog.getByText(expected.description).waitFor();
    await dialog.getByRole('button', { name: 'Start export' }).click();
    await dialog.getByText(`Done: ${expected.rows} entries`).waitFor({ timeout: 30_000 });
    await screenshot(page, shot);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });
  }

  it('exports the entries the History shows, with its related items and without', async () => {
    const withRelated = await expectOk<{ items: AuditEntry[] }>(api.get(`/api/v1/customers/${customer.id}/audit-log?limit=100`));
    const ownOnly = await expectOk<{ items: AuditEntry[] }>(api.get(`/api/v1/customers/${customer.id}/audit-log?limit=100&related=false`));
    expect(ownOnly.items.map((e) => e.action)).toEqual(['customer_created']);
    // customer, order and license created, the license disabled: the related items' entries too.
    expect(withRelated.items.length).toBeGreaterThanOrEqual(4);

    await page.goto(`/customers/${customer.id}`);
    const rows = entryRows(page, /^History of /);
    await rows.first().waitFor();
    expect(await rows.count()).toBe(withRelated.items.length);
    await screenshot(page, 'pages-customer-history');
    await exportFromHistory({ description: /and its related items/, rows: withRelated.items.length }, 'pages-customer-export-related');

    await page.getByRole('switch', { name: 'Include related items' }).click({ force: true });
    await rows.nth(1).waitFor({ state: 'detached' });
    // The related rows leave first; the refetched list may paint a moment later.
    await rows.first().waitFor();
    expect(await rows.count()).toBe(1);
    await exportFromHistory({ description: /only \(without its related items\)/, rows: 1 }, 'pages-customer-export-own');
  });
});

describe('on a 390×844 phone', () => {
  let page: Page;
  let context: BrowserContext;
  beforeAll(async () => {
    ({ context, page } = await signedIn({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 3,
      isMobile: true,
      hasTouch: true,
    }));
  });
  afterAll(() => context?.close());

  /** How far the page reaches past the screen's right edge, and the elements that stick out most. */
  const overflow = (p: Page) =>
    p.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const outside = [...document.querySelectorAll<HTMLElement>('body *')]
        .filter((el) => {
          const r = el.getBoundingClientRect();
          return r.width > 0 && r.right > width + 1 && getComputedStyle(el).position !== 'fixed';
        })
        // Only the outermost offenders: an element inside a scrolling box that scrolls is fine.
        .filter((el) => {
          for (let a = el.parentElement; a; a = a.parentElement) {
            const s = getComputedStyle(a);
            if (['auto', 'scroll', 'hidden', 'clip'].includes(s.overflowX)) return false;
          }
          return true;
        })
        .slice(0, 3)
        .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${(el.textContent ?? '').slice(0, 30)}" right=${Math.round(el.getBoundingClientRect().right)}`);
      return { scrollWidth: document.documentElement.scrollWidth, width, outside };
    });

  const pages: [string, () => string, string][] = [
    ['license', () => `/licenses/${license.id}`, 'Activations'],
    ['licenses', () => '/licenses', 'Licenses'],
    ['customer', () => `/customers/${customer.id}`, 'History'],
    ['customers', () => '/customers', 'Customers'],
    ['orders', () => '/orders', 'Orders'],
    ['products', () => '/products', 'Products'],
    ['audit-log', () => '/settings/audit-logs', 'Audit logs'],
    ['users', () => '/settings/users', 'Users'],
    ['permission-templates', () => '/settings/permission-templates', 'Permission templates'],
    ['notification-policies', () => '/settings/notification-policies', 'Notification policies'],
    ['api-keys', () => '/settings/api-keys', 'API keys'],
    ['exports', () => '/settings/audit-logs/exports', 'Exports'],
  ];

  it.each(pages)('the %s page fits the screen without scrolling sideways', async (name, path, text) => {
    await page.goto(path());
    await page.getByText(text, { exact: false }).first().waitFor();
    await page.waitForLoadState('networkidle');
    await settle(page);
    await screenshot(page, `pages-phone-${name}`);
    const o = await overflow(page);
    expect({ page: name, scrollWidth: o.scrollWidth, outside: o.outside }).toEqual({ page: name, scrollWidth: 390, outside: [] });
  });

  it('reaches Change password and Log out through the account menu', async () => {
    await page.goto(`/licenses/${license.id}`);
    await page.getByRole('button', { name: `Account menu of ${user.name}` }).tap();
    const menu = page.getByRole('menu');
    await menu.getByRole('menuitem', { name: 'Change password' }).waitFor();
    await menu.getByRole('menuitem', { name: `Log out ${user.name} from ${user.accountName}` }).waitFor();
    await screenshot(page, 'pages-phone-account-menu');
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden' });
  });

  it("opens an entry when the middle of its card is tapped, even on the item's link, and stays on the page", async () => {
    // A customer's History: each card's middle line links to another page (the license).
    await page.goto(`/customers/${customer.id}`);
    const rows = entryRows(page, /^History of /);
    const card = rows.filter({ hasText: 'License disabled' }).first();
    await card.scrollIntoViewIfNeeded();
    const link = card.getByRole('link').first();
    const box = (await link.boundingBox())!;
    await page.touchscreen.tap(box.x + box.width / 2, box.y + box.height / 2);
    const drawer = await entryDrawer(page);
    await drawer.getByText('License disabled').first().waitFor();
    expect(new URL(page.url()).pathname).toBe(`/customers/${customer.id}`);
    await screenshot(page, 'pages-phone-entry-tapped');
  });
});

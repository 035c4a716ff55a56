import { accessSync, constants, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/**
 * Debian's Chromium, driven by playwright-core. Playwright never downloads a browser here: the
 * binary is the system one (CHROMIUM_PATH to use another), and each launch gets a fresh profile.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where screenshots go (gitignored). */
export const TEST_RESULTS_DIR = join(__dirname, '..', '..', 'test-results');

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Debian's Chromium, headless, with a fresh temporary profile. */
export async function launchBrowser(): Promise<Browser> {
  if (!isExecutable(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}: run "apt-get install -y chromium" ` +
        '(or set CHROMIUM_PATH to a Chromium binary). The end-to-end tests never download a browser.',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

export interface BrowserSession {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions and console errors of the page (failed requests are in `failedRequests`). */
  pageErrors: string[];
  /** Every answer with a 4xx or 5xx status, and every request that got no answer. */
  failedRequests: string[];
  close: () => Promise<void>;
}

/** A browser, a fresh context (no cookies, no storage) on `baseURL`, and one page in it. */
export async function openBrowser(baseURL: string): Promise<BrowserSession> {
  const browser = await launchBrowser();
  const context = await browser.newContext({
    baseURL,
    viewport: { width: 1280, height: 860 },
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const pageErrors: string[] = [];
  const failedRequests: string[] = [];
  const path = (url: string) => url.replace(baseURL, '');
  page.on('pageerror', (err) => pageErrors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // Chromium logs every 4xx as "Failed to load resource"; those are checked through `failedRequests`.
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource'))
      pageErrors.push(`console.error: ${msg.text()}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400)
      failedRequests.push(`${res.request().method()} ${path(res.url())} ${res.status()}`);
  });
  page.on('requestfailed', (req) => {
    // A query cancelled because the page moved on is not a failure.
    if (req.failure()?.errorText !== 'net::ERR_ABORTED')
      failedRequests.push(
        `${req.method()} ${path(req.url())} ${req.failure()?.errorText ?? 'failed'}`,
      );
  });
  return { browser, context, page, pageErrors, failedRequests, close: () => browser.close() };
}

/** Wait until no CSS transition or animation runs (drawers sliding in, notifications appearing). */
export async function settle(page: Page): Promise<void> {
  await page.waitForFunction(() =>
    document.getAnimations().every((a) => a.playState !== 'running'),
  );
}

/** A full-page screenshot in test-results/, once the page is still, for a person to look at. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await settle(page);
  mkdirSync(TEST_RESULTS_DIR, { recursive: true });
  const path = join(TEST_RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

import { type Locator, type Page } from 'playwright-core';

/** The audit-log rows (not the header) of the table labelled `name`. */
export const entryRows = (page: Page, name: string | RegExp): Locator =>
  page.getByRole('table', { name }).getByRole('row', { name: /^Entry \d+/ });

/** Wait until the page is at `pathname` with (at least) these search params. */
export async function expectUrl(page: Page, pathname: string, search: Record<string, string> = {}) {
  await page.waitForURL(
    (url) =>
      url.pathname === pathname &&
      Object.entries(search).every(([key, value]) => url.searchParams.get(key) === value),
    { timeout: 10_000 },
  );
}

/** Retry an assertion until it passes or `timeoutMs` runs out (the UI settles asynchronously). */
export async function eventually(assertion: () => Promise<void>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** The open entry drawer (the dialog with a Changes table), once it is shown. */
export async function entryDrawer(page: Page): Promise<Locator> {
  const drawer = page
    .getByRole('dialog')
    .filter({ has: page.getByRole('table', { name: 'Changes' }) });
  await drawer.waitFor();
  return drawer;
}

/** The cells (field, before, after) of one field's row in the drawer's Changes table. */
export const changeCells = (drawer: Locator, field: string): Promise<string[]> =>
  drawer
    .getByRole('table', { name: 'Changes' })
    .getByRole('row')
    .filter({ hasText: field })
    .getByRole('cell')
    .allTextContents();

import type { EarlyAnswer, EarlyRequest } from './earlyRequest';

/** The name earlyRequest.ts leaves its request under (a type-only import keeps that script out of the app). */
const EARLY_SLOT = '__keyledgerEarlyRequest';

const slot = () => globalThis as unknown as Record<string, EarlyRequest | undefined>;

/**
 * The answer of index.html's early request when `url` is what it asked for (a path, or a URL on
 * this origin), once; null otherwise. A failed early request (network) gives null: ask yourself.
 */
export function takeEarlyAnswer(url: string): Promise<EarlyAnswer | null> | null {
  const early = slot()[EARLY_SLOT];
  if (!early) return null;
  const here = globalThis.location?.origin ?? 'http://origin.invalid';
  const asked = new URL(early.url, here);
  const wanted = new URL(url, here);
  if (asked.href !== wanted.href) return null;
  delete slot()[EARLY_SLOT];
  return early.answer.catch(() => null);
}

/**
 * Forget the early request, taken or not. Called once the app's first navigation has settled: an
 * answer nobody took then (signed out: 401; no audit_log:read: 403, the page asks nothing) is
 * dropped, never served to a later visit of the page.
 */
export function discardEarlyAnswer(): void {
  delete slot()[EARLY_SLOT];
}

import { tokenizeSearch } from '@keyledger/contract';
import type { AuditLogSearch } from './auditLogSearch';

const asList = (v: unknown): string[] =>
  (Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : v === undefined ? [] : [v]).map(
    (x) => String(x).trim(),
  );

/**
 * What the URL held that the page did not take (an old or hand-edited link), worded for a notice:
 * `actor=not-an-email`, `itemType=spaceship`, `q: created:>=2026-13-01`. Empty when nothing was dropped.
 */
export function droppedParams(raw: Record<string, unknown>, clean: AuditLogSearch): string[] {
  const out: string[] = [];
  const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v)).slice(0, 60);
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined || value === '') continue;
    const kept = (clean as Record<string, unknown>)[key];
    switch (key) {
      case 'action': {
        const keptList = new Set(asList(kept));
        for (const a of asList(value)) if (a && !keptList.has(a)) out.push(`action=${show(a)}`);
        break;
      }
      case 'q': {
        const keptTokens = new Set(tokenizeSearch(typeof kept === 'string' ? kept : ''));
        for (const t of tokenizeSearch(String(value)))
          if (!keptTokens.has(t)) out.push(`search "${show(t)}"`);
        break;
      }
      case 'actor':
        if (kept === undefined || String(kept) !== String(value).trim().toLowerCase())
          out.push(`${key}=${show(value)}`);
        break;
      case 'itemType':
      case 'itemId':
      case 'entry':
      case 'range':
      case 'from':
      case 'to':
        if (kept === undefined || String(kept) !== String(value)) out.push(`${key}=${show(value)}`);
        break;
      default:
        out.push(`${key}=${show(value)}`);
    }
  }
  return out;
}

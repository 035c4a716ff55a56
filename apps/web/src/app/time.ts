/**
 * One way to show time everywhere: `YYYY-MM-DD HH:mm` (seconds where entries need them), in the
 * viewer's zone or in UTC — a choice remembered per user in localStorage — with the zone named and a
 * relative time beside it. Inputs (the borrow dialog) use the same format.
 */
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import type { ZoneMode } from '../features/audit-log/utils/auditLogSearch';
import { useSession } from '../features/auth/hooks/useSession';

dayjs.extend(utc);

export type { ZoneMode };

/** The app's one date format (24-hour, ISO order: no 09/12 ambiguity). */
export const DATE_FORMAT = 'YYYY-MM-DD';
export const DATE_TIME_FORMAT = 'YYYY-MM-DD HH:mm';
export const DATE_TIME_SECONDS_FORMAT = 'YYYY-MM-DD HH:mm:ss';

const storageKey = (userId: string | undefined) => `keyledger:time-zone:${userId ?? 'anonymous'}`;
const listeners = new Set<() => void>();

/** The viewer's choice (Local or UTC), outside React (the audit route's loader). */
export function readZoneMode(userId: string | undefined): ZoneMode {
  try {
    return globalThis.localStorage?.getItem(storageKey(userId)) === 'utc' ? 'utc' : 'local';
  } catch {
    return 'local';
  }
}

/** The viewer's choice (Local or UTC) and a setter that remembers it for this user. */
export function useZoneMode(): [ZoneMode, (mode: ZoneMode) => void] {
  const userId = useSession()?.user.id;
  const mode = useSyncExternalStore(
    (onChange) => {
      listeners.add(onChange);
      const onStorage = (e: StorageEvent) => {
        if (e.key === storageKey(userId)) onChange();
      };
      globalThis.addEventListener?.('storage', onStorage);
      return () => {
        listeners.delete(onChange);
        globalThis.removeEventListener?.('storage', onStorage);
      };
    },
    () => readZoneMode(userId),
    () => 'local' as ZoneMode,
  );
  const set = useCallback(
    (next: ZoneMode) => {
      try {
        globalThis.localStorage?.setItem(storageKey(userId), next);
      } catch {
        // Private mode without storage: the choice lasts until the page closes.
      }
      listeners.forEach((l) => l());
    },
    [userId],
  );
  return [mode, set];
}

/**
 * The viewer's zone, asked once. Intl's first use in a page costs tens of milliseconds (30-50 ms
 * measured in a fresh Chromium page under load), so the first render does not ask: see useZoneName.
 */
let localZone: string | undefined;
const askLocalZone = () => (localZone ??= Intl.DateTimeFormat().resolvedOptions().timeZone);

/**
 * "Europe/Berlin (UTC+01:00)" or "UTC": how column headers name the zone. With `ask` false, a zone
 * not asked for yet is named by its offset alone ("UTC+01:00").
 */
export function zoneName(mode: ZoneMode, at: Date = new Date(), ask = true): string {
  if (mode === 'utc') return 'UTC';
  const name = ask ? askLocalZone() : localZone;
  const offset = dayjs(at).format('Z');
  if (!name || name === 'UTC' || name === 'Etc/UTC')
    return offset === '+00:00' ? 'UTC' : `UTC${offset}`;
  return `${name} (UTC${offset})`;
}

/**
 * zoneName for a component that shows on a page's first render (the audit table's header): the
 * offset first, the zone's name once `ready` (the audit table: once its rows are on screen; asking
 * while they are still on their way would spend the time in which they should render).
 */
export function useZoneName(mode: ZoneMode, ready = true): string {
  const [, setAsked] = useState(localZone !== undefined);
  useEffect(() => {
    if (!ready || mode === 'utc' || localZone !== undefined) return;
    const timer = setTimeout(() => {
      askLocalZone();
      setAsked(true);
    }, 0);
    return () => clearTimeout(timer);
  }, [mode, ready]);
  return zoneName(mode, new Date(), false);
}

/** An instant in the chosen zone, in the one format. */
export function formatInstant(
  value: string | Date,
  mode: ZoneMode,
  format: string = DATE_TIME_FORMAT,
): string {
  const d = mode === 'utc' ? dayjs.utc(value) : dayjs(value);
  return d.format(format);
}

/** "just now", "5 min ago", "3 h ago", "2 d ago", "in 4 d" (for instants in the future). */
export function relativeTime(iso: string | Date, now: number = Date.now()): string {
  const diff = Math.round((now - new Date(iso).getTime()) / 1000);
  const future = diff < 0;
  const s = Math.abs(diff);
  let text: string;
  if (s < 45) return future ? 'in a moment' : 'just now';
  if (s < 3600) text = `${Math.max(1, Math.round(s / 60))} min`;
  else if (s < 48 * 3600) text = `${Math.round(s / 3600)} h`;
  else if (s < 60 * 86400) text = `${Math.round(s / 86400)} d`;
  else if (s < 730 * 86400) text = `${Math.round(s / (30 * 86400))} mo`;
  else text = `${Math.round(s / (365 * 86400))} y`;
  return future ? `in ${text}` : `${text} ago`;
}

/** A string that looks like an ISO instant (what the API writes into changes). */
export const ISO_INSTANT_VALUE =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

import { formatInstant, relativeTime, zoneName } from './time';

describe('time display', () => {
  const now = Date.parse('2026-03-15T12:00:00.000Z');

  it('says how long ago, or how long until', () => {
    expect(relativeTime('2026-03-15T11:59:30.000Z', now)).toBe('just now');
    expect(relativeTime('2026-03-15T11:55:00.000Z', now)).toBe('5 min ago');
    expect(relativeTime('2026-03-15T09:00:00.000Z', now)).toBe('3 h ago');
    expect(relativeTime('2026-03-10T12:00:00.000Z', now)).toBe('5 d ago');
    expect(relativeTime('2026-03-19T12:00:00.000Z', now)).toBe('in 4 d');
  });

  it('formats in UTC when asked, in one format', () => {
    expect(formatInstant('2026-03-15T23:30:05.000Z', 'utc')).toBe('2026-03-15 23:30');
    expect(formatInstant('2026-03-15T23:30:05.000Z', 'utc', 'YYYY-MM-DD HH:mm:ss')).toBe(
      '2026-03-15 23:30:05',
    );
    expect(zoneName('utc')).toBe('UTC');
    expect(zoneName('local')).toMatch(/UTC|\(UTC[+-]\d{2}:\d{2}\)/);
  });
});

import { renderHook, waitFor } from '@testing-library/react';
import dayjs from 'dayjs';
import { useZoneName, zoneName } from './time';

describe('the zone named in the audit table’s header', () => {
  it('is the offset on the first render, then the zone’s name, without asking Intl during that render', async () => {
    const offset = dayjs().format('Z');
    const byOffset = offset === '+00:00' ? 'UTC' : `UTC${offset}`;
    // Intl's answer, whatever zone the test machine is in.
    const intl = jest
      .spyOn(Intl, 'DateTimeFormat')
      .mockImplementation(
        () => ({ resolvedOptions: () => ({ timeZone: 'Europe/Berlin' }) }) as Intl.DateTimeFormat,
      );
    try {
      expect(zoneName('local', new Date(), false)).toBe(byOffset);
      // Not asked while the rows are on their way (ready false), then right after.
      const { result, rerender } = renderHook(({ ready }) => useZoneName('local', ready), {
        initialProps: { ready: false },
      });
      await new Promise((r) => setTimeout(r, 50));
      expect(intl).not.toHaveBeenCalled();
      expect(result.current).toBe(byOffset);
      rerender({ ready: true });
      expect(intl).not.toHaveBeenCalled();
      await waitFor(() => expect(result.current).toBe(`Europe/Berlin (UTC${offset})`));
      expect(intl).toHaveBeenCalledTimes(1);
      // Asked once: later renders and other callers reuse it.
      expect(zoneName('local')).toBe(`Europe/Berlin (UTC${offset})`);
      expect(zoneName('utc', new Date(), false)).toBe('UTC');
      expect(intl).toHaveBeenCalledTimes(1);
    } finally {
      intl.mockRestore();
    }
  });
});

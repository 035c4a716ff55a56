import { Select, TextInput } from '@mantine/core';
import { lazy, Suspense } from 'react';
import type { AuditLogSearch, DateRangePreset } from '../utils/auditLogSearch';

const PRESETS: { value: DateRangePreset | 'any'; label: string }[] = [
  { value: 'any', label: 'Any time' },
  { value: 'today', label: 'Today' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: 'custom', label: 'Custom range' },
];

/**
 * The calendar (most of @mantine/dates) loads when someone picks "Custom range", not with the page:
 * the audit page's first visit stays within its JavaScript budget (issue 15).
 */
const DatePickerInput = lazy(() =>
  import('./DateRangePicker').then((m) => ({ default: m.DatePickerInput<'range'> })),
);

type DateRange = Pick<AuditLogSearch, 'range' | 'from' | 'to'>;

/** A preset (relative to today, so a shared link stays "the last 7 days") or chosen days. */
export function DateRangeFilter({
  value,
  onChange,
}: {
  value: DateRange;
  onChange: (v: DateRange) => void;
}) {
  return (
    <>
      <Select
        label="Date range"
        data={PRESETS}
        value={value.range ?? 'any'}
        onChange={(v) => {
          const range = v === 'any' || v === null ? undefined : (v as DateRangePreset);
          onChange(range === 'custom' ? { range, from: value.from, to: value.to } : { range });
        }}
        allowDeselect={false}
        style={{ flex: '1 1 10rem', maxWidth: '14rem' }}
      />
      {value.range === 'custom' && (
        <Suspense
          fallback={
            <TextInput
              label="Dates"
              placeholder="Loading the calendar…"
              disabled
              style={{ flex: '1 1 14rem' }}
            />
          }
        >
          <DatePickerInput
            type="range"
            label="Dates"
            placeholder="Pick the first and last day"
            value={[value.from ?? null, value.to ?? null]}
            onChange={([from, to]) =>
              onChange({ range: 'custom', from: from ?? undefined, to: to ?? undefined })
            }
            allowSingleDateInRange
            clearable
            maxDate={new Date()}
            style={{ flex: '1 1 14rem' }}
          />
        </Suspense>
      )}
    </>
  );
}

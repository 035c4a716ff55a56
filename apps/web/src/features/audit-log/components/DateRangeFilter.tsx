import { Select } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import type { AuditLogSearch, DateRangePreset } from '../utils/auditLogSearch';

const PRESETS: { value: DateRangePreset | 'any'; label: string }[] = [
  { value: 'any', label: 'Any time' },
  { value: 'today', label: 'Today' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: 'custom', label: 'Custom range' },
];

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
      )}
    </>
  );
}

/** The calendar, in a chunk of its own: DateRangeFilter loads it when a custom range is picked. */
export { DatePickerInput } from '@mantine/dates';

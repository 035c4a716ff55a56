import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';

export interface Option {
  value: string;
  label: string;
}

export interface RemoteSelectProps {
  label: string;
  value: string | null;
  onChange: (id: string | null) => void;
  error?: string;
  required?: boolean;
  clearable?: boolean;
  /** The label of the current value, when the first page of options may not hold it. */
  valueLabel?: string;
}

interface Props extends RemoteSelectProps {
  placeholder: string;
  nothingFound: string;
  /** The options matching a search (debounced); called as a hook. */
  useOptions: (search: string | undefined) => { options: Option[]; loading: boolean };
}

/** A searchable select whose options come from a list route, searched on the server. */
export function RemoteSelect({
  useOptions,
  placeholder,
  nothingFound,
  valueLabel,
  onChange,
  value,
  ...props
}: Props) {
  const [picked, setPicked] = useState<Option | null>(
    value && valueLabel ? { value, label: valueLabel } : null,
  );
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  // Once picked, the box shows the option's label: that is not a new search.
  const term = debounced && debounced !== picked?.label ? debounced : undefined;
  const { options, loading } = useOptions(term);
  const data =
    picked && !options.some((o) => o.value === picked.value) ? [picked, ...options] : options;
  return (
    <Select
      {...props}
      value={value}
      placeholder={placeholder}
      searchable
      data={data}
      onChange={(id, option) => {
        setPicked(id ? option : null);
        onChange(id);
      }}
      onSearchChange={setSearch}
      filter={({ options: all }) => all}
      nothingFoundMessage={loading ? 'Loading…' : nothingFound}
    />
  );
}

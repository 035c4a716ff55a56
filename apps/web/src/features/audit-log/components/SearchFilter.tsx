import { TextInput } from '@mantine/core';
import { useState } from 'react';
import { SearchHelp } from './SearchHelp';

interface SearchFilterProps {
  value: string | undefined;
  onSubmit: (q: string | undefined) => void;
  error?: string | null;
}

/** The `q` box: typed freely, applied on Enter (or when left), with its syntax one click away. */
export function SearchFilter({ value, onSubmit, error }: SearchFilterProps) {
  const [draft, setDraft] = useState(value ?? '');
  // The URL changed under us (clear filters, back button): show its value, keeping focus.
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setDraft(value ?? '');
  }
  const commit = () => {
    const q = draft.trim() || undefined;
    if (q !== value) onSubmit(q);
  };
  return (
    <form
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        commit();
      }}
      style={{ flex: '1 1 20rem', minWidth: 0 }}
    >
      <TextInput
        label="Search"
        placeholder="action:license_* actor:ann@acme.test refund"
        value={draft}
        onChange={(e) => setDraft(e.currentTarget.value)}
        onBlur={commit}
        error={error}
        rightSection={<SearchHelp />}
        spellCheck={false}
        autoComplete="off"
      />
    </form>
  );
}

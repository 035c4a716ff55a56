import { Autocomplete } from '@mantine/core';
import { useState } from 'react';
import { z } from 'zod';
import type { KnownPerson } from '../utils/filterModel';

const ZEmail = z.string().email();

/**
 * Who did it: a name or an email, with the account's people suggested. A name that matches one
 * person is taken as their email; otherwise the box says what to do instead of sending it.
 */
export function ActorFilter({
  value,
  people,
  onChange,
}: {
  value: string | undefined;
  people: readonly KnownPerson[];
  onChange: (v: string | undefined) => void;
}) {
  const [draft, setDraft] = useState(value ?? '');
  const [error, setError] = useState<string | null>(null);
  // The URL changed under us (the query bar, clear filters, back button): show its value.
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setDraft(value ?? '');
    setError(null);
  }
  const commit = (text = draft) => {
    const typed = text.trim().toLowerCase();
    let email = typed;
    if (typed && !ZEmail.safeParse(typed).success) {
      const found = people.filter(
        (p) => p.name.toLowerCase().includes(typed) || p.email.includes(typed),
      );
      if (found.length !== 1) {
        setError(
          found.length > 1
            ? `${found.length} people match "${text.trim()}": pick one from the list`
            : `No one called "${text.trim()}": pick from the list or type a full email`,
        );
        return;
      }
      email = found[0]!.email;
      setDraft(email);
    }
    setError(null);
    if ((email || undefined) !== value) onChange(email || undefined);
  };
  return (
    <Autocomplete
      label="Actor"
      placeholder="Name or email"
      data={people.map((p) => ({ value: p.email, label: `${p.name} · ${p.email}` }))}
      filter={({ options, search }) => {
        const q = search.trim().toLowerCase();
        return (options as { value: string; label: string }[]).filter((o) =>
          o.label.toLowerCase().includes(q),
        );
      }}
      value={draft}
      onChange={setDraft}
      onOptionSubmit={(v) => commit(v)}
      onBlur={() => commit()}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
      }}
      error={error}
      limit={8}
      style={{ flex: '1 1 12rem' }}
      comboboxProps={{ withinPortal: true }}
    />
  );
}

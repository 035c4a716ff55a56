import { TextInput } from '@mantine/core';
import { useState } from 'react';
import { z } from 'zod';

const ZEmail = z.string().email();

/** The actor's email, applied on Enter or when left; a partial address is pointed out, not sent. */
export function ActorFilter({
  value,
  onChange,
}: {
  value: string | undefined;
  onChange: (v: string | undefined) => void;
}) {
  const [draft, setDraft] = useState(value ?? '');
  const [error, setError] = useState<string | null>(null);
  // The URL changed under us (clear filters, back button): show its value, keeping focus.
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setDraft(value ?? '');
    setError(null);
  }
  const commit = () => {
    const email = draft.trim().toLowerCase();
    if (email && !ZEmail.safeParse(email).success) {
      setError('Enter a full email address');
      return;
    }
    setError(null);
    if ((email || undefined) !== value) onChange(email || undefined);
  };
  return (
    <TextInput
      label="Actor email"
      type="email"
      placeholder="ann@acme.test"
      value={draft}
      onChange={(e) => setDraft(e.currentTarget.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
      }}
      error={error}
      style={{ flex: '1 1 12rem' }}
    />
  );
}

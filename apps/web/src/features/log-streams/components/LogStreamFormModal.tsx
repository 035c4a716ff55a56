import {
  type LogStream,
  ZBackfillLogStreamBody,
  ZCreateLogStreamBody,
  ZUpdateLogStreamBody,
} from '@keyledger/contract';
import {
  NumberInput,
  PasswordInput,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useState } from 'react';
import type { ZodError } from 'zod';
import { apiFieldErrors } from '../../../api/errors';
import { FormModal, ModalForm } from '../../../components/form/FormModal';
import {
  useBackfillLogStream,
  useCreateLogStream,
  useUpdateLogStream,
} from '../hooks/useLogStreams';

/** One message per field, by the field's own name (`body.destination.url` → `url`), as the API's. */
function fieldErrors(error: ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[issue.path.length - 1] ?? 'form');
    out[field] ??= issue.message;
  }
  return out;
}

const FIELDS = ['name', 'url', 'signingSecret', 'q', 'startPoint'] as const;

/**
 * Create a stream, or edit one: name, HTTPS URL, signing secret (write-only: never shown again; on
 * edit, empty keeps the current one) and the filter as an audit-log search string.
 */
export function LogStreamForm({ stream, onDone }: { stream?: LogStream; onDone: () => void }) {
  const [name, setName] = useState(stream?.name ?? '');
  const [url, setUrl] = useState(stream?.destination.url ?? '');
  const [signingSecret, setSigningSecret] = useState('');
  const [q, setQ] = useState(stream?.filter.q ?? '');
  const [startPoint, setStartPoint] = useState<'now' | 'beginning'>('now');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const create = useCreateLogStream();
  const update = useUpdateLogStream();
  const mutation = stream ? update : create;
  const onError = (error: unknown) => setErrors(apiFieldErrors(error));

  const submit = () => {
    const filter = q.trim() ? { q: q.trim() } : {};
    if (!stream) {
      const parsed = ZCreateLogStreamBody.safeParse({
        name,
        destination: { type: 'webhook', url, signingSecret },
        filter,
        startPoint,
      });
      if (!parsed.success) return setErrors(fieldErrors(parsed.error));
      setErrors({});
      create.mutate({ body: parsed.data }, { onSuccess: onDone, onError });
      return;
    }
    const destination = {
      ...(url !== stream.destination.url ? { url } : {}),
      ...(signingSecret ? { signingSecret } : {}),
    };
    const body = {
      ...(name !== stream.name ? { name } : {}),
      ...(Object.keys(destination).length ? { destination } : {}),
      ...(JSON.stringify(filter) !== JSON.stringify(stream.filter) ? { filter } : {}),
    };
    if (Object.keys(body).length === 0) return onDone();
    const parsed = ZUpdateLogStreamBody.safeParse(body);
    if (!parsed.success) return setErrors(fieldErrors(parsed.error));
    setErrors({});
    update.mutate({ params: { id: stream.id }, body: parsed.data }, { onSuccess: onDone, onError });
  };

  return (
    <ModalForm
      onSubmit={submit}
      onCancel={onDone}
      submitLabel={stream ? 'Save' : 'Create log stream'}
      pending={mutation.isPending}
      error={mutation.error}
      errors={errors}
      fields={FIELDS}
    >
      <TextInput
        label="Name"
        required
        value={name}
        onChange={(e) => setName(e.currentTarget.value)}
        error={errors.name}
        data-autofocus
      />
      <TextInput
        label="Endpoint URL"
        description="HTTPS only. Batches are POSTed as JSON, signed per Standard Webhooks."
        required
        placeholder="https://siem.example.com/hooks/keyledger"
        value={url}
        onChange={(e) => setUrl(e.currentTarget.value)}
        error={errors.url}
      />
      <PasswordInput
        label="Signing secret"
        description={
          stream
            ? 'Stored encrypted and never shown again. Leave empty to keep the current one.'
            : 'whsec_ followed by base64 (e.g. openssl rand -base64 32). Stored encrypted, never shown again.'
        }
        required={!stream}
        autoComplete="new-password"
        value={signingSecret}
        onChange={(e) => setSigningSecret(e.currentTarget.value)}
        error={errors.signingSecret}
      />
      <TextInput
        label="Filter"
        description="The audit log's search syntax, e.g. group:licenses actor:ann@acme.test. Empty: every entry."
        value={q}
        onChange={(e) => setQ(e.currentTarget.value)}
        error={errors.q ?? errors.filter}
      />
      {!stream && (
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            Start
          </Text>
          <SegmentedControl
            aria-label="Start"
            value={startPoint}
            onChange={(v) => setStartPoint(v as 'now' | 'beginning')}
            data={[
              { value: 'now', label: 'From now on' },
              { value: 'beginning', label: 'From the beginning of the log' },
            ]}
          />
        </Stack>
      )}
    </ModalForm>
  );
}

export function LogStreamFormModal({
  opened,
  onClose,
  stream,
}: {
  opened: boolean;
  onClose: () => void;
  stream?: LogStream;
}) {
  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      title={stream ? `Edit ${stream.name}` : 'New log stream'}
    >
      <LogStreamForm stream={stream} onDone={onClose} />
    </FormModal>
  );
}

/** Deliver again from an entry number. */
export function BackfillModal({
  stream,
  onClose,
}: {
  stream: LogStream | null;
  onClose: () => void;
}) {
  const [fromSeq, setFromSeq] = useState<number | string>(1);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const backfill = useBackfillLogStream();
  const submit = () => {
    if (!stream) return;
    const parsed = ZBackfillLogStreamBody.safeParse({ fromSeq: Number(fromSeq) });
    if (!parsed.success) return setErrors(fieldErrors(parsed.error));
    setErrors({});
    backfill.mutate(
      { params: { id: stream.id }, body: parsed.data },
      { onSuccess: onClose, onError: (error) => setErrors(apiFieldErrors(error)) },
    );
  };
  return (
    <FormModal opened={stream !== null} onClose={onClose} title={`Backfill ${stream?.name ?? ''}`}>
      <ModalForm
        onSubmit={submit}
        onCancel={onClose}
        submitLabel="Deliver again"
        pending={backfill.isPending}
        error={backfill.error}
        errors={errors}
        fields={['fromSeq']}
      >
        <NumberInput
          label="From entry #"
          description={`Delivered through #${stream?.deliveredThroughSeq ?? 0}. Entries from here on are sent again (receivers deduplicate by entry id).`}
          min={1}
          value={fromSeq}
          onChange={setFromSeq}
          error={errors.fromSeq}
        />
      </ModalForm>
    </FormModal>
  );
}

import {
  DATADOG_SITES,
  LOG_STREAM_DESTINATION_TYPES,
  LOG_STREAM_SECRET_FIELDS,
  type LogStream,
  type LogStreamDestinationType,
  SPLUNK_DEFAULT_SOURCETYPE,
  ZBackfillLogStreamBody,
  ZCreateLogStreamBody,
  ZUpdateLogStreamBody,
} from '@keyledger/contract';
import {
  Badge,
  Checkbox,
  Group,
  NativeSelect,
  NumberInput,
  PasswordInput,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { type ComponentProps, useState } from 'react';
import type { ZodError } from 'zod';
import { apiFieldErrors } from '../../../api/errors';
import { FormModal, ModalForm } from '../../../components/form/FormModal';
import {
  useBackfillLogStream,
  useCreateLogStream,
  useUpdateLogStream,
} from '../hooks/useLogStreams';

/** Each destination type's fields, in the order the form shows them (its secret among them). */
export const DESTINATION_FIELDS: Record<LogStreamDestinationType, readonly string[]> = {
  webhook: ['url', 'signingSecret'],
  splunk_hec: ['url', 'token', 'index', 'source', 'sourcetype'],
  datadog: ['site', 'apiKey', 'service', 'tags'],
  s3: ['bucket', 'region', 'prefix', 'endpoint', 'accessKeyId', 'secretAccessKey', 'forcePathStyle'],
};

/** One message per field, by the field's own name (`body.destination.url` → `url`, `tags.0` → `tags`), as the API's. */
function fieldErrors(error: ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const named = issue.path.filter((p) => typeof p === 'string');
    const field = String(named[named.length - 1] ?? 'form');
    out[field] ??= issue.message;
  }
  return out;
}

export const DESTINATION_TYPE_LABELS: Record<LogStreamDestinationType, string> = {
  webhook: 'HTTPS webhook',
  splunk_hec: 'Splunk HEC',
  datadog: 'Datadog',
  s3: 'Amazon S3 or compatible',
};

const FIELDS = [
  'name',
  'type',
  'destination',
  ...new Set(Object.values(DESTINATION_FIELDS).flat()),
  'q',
  'startPoint',
] as const;

type Values = Record<string, string>;

/** The destination's settings as the form's text values (tags as `a, b`; a flag as 'true'). */
function initialValues(stream?: LogStream): Values {
  const v: Values = { site: 'datadoghq.com', sourcetype: SPLUNK_DEFAULT_SOURCETYPE };
  if (!stream) return v;
  for (const [k, val] of Object.entries(stream.destination)) {
    if (k === 'type' || k === 'secretsSet' || val === null) continue;
    v[k] = Array.isArray(val) ? val.join(', ') : String(val);
  }
  return v;
}

/** A form value as the API takes it: trimmed, tags as a list, the S3 flag as a boolean; empty optional values left out (undefined) or cleared (null on edit). */
function apiValue(field: string, raw: string | undefined, forEdit: boolean): unknown {
  const text = (raw ?? '').trim();
  if (field === 'forcePathStyle') return text === 'true';
  if (field === 'tags') {
    const tags = text.split(',').map((t) => t.trim()).filter(Boolean);
    return tags.length ? tags : forEdit ? null : undefined;
  }
  if (!text) return forEdit ? null : undefined;
  return text;
}

function DestinationFields({
  type,
  values,
  set,
  errors,
  stream,
}: {
  type: LogStreamDestinationType;
  values: Values;
  set: (field: string, value: string) => void;
  errors: Record<string, string>;
  stream?: LogStream;
}) {
  const text = (field: string, label: string, props: Partial<ComponentProps<typeof TextInput>> = {}) => (
    <TextInput
      key={field}
      label={label}
      value={values[field] ?? ''}
      onChange={(e) => set(field, e.currentTarget.value)}
      error={errors[field]}
      {...props}
    />
  );
  const secretField = LOG_STREAM_SECRET_FIELDS[type];
  const secretSet = stream?.destination.secretsSet.includes(secretField) ?? false;
  const secretLabel = { webhook: 'Signing secret', splunk_hec: 'HEC token', datadog: 'API key', s3: 'Secret access key' }[type];
  const secret = (
    <PasswordInput
      key={secretField}
      label={
        <Group gap={6} component="span">
          {secretLabel}
          {stream && (
            <Badge size="xs" variant="light" color={secretSet ? 'green' : 'gray'}>
              {secretSet ? 'set' : 'not set'}
            </Badge>
          )}
        </Group>
      }
      description={
        stream
          ? 'Stored encrypted and never shown again. Leave empty to keep it; type a new one to replace it.'
          : type === 'webhook'
            ? 'whsec_ followed by base64 (e.g. openssl rand -base64 32). Stored encrypted, never shown again.'
            : 'Stored encrypted, never shown again.'
      }
      placeholder={stream && secretSet ? 'Replace…' : undefined}
      required={!stream}
      autoComplete="new-password"
      value={values[secretField] ?? ''}
      onChange={(e) => set(secretField, e.currentTarget.value)}
      error={errors[secretField]}
    />
  );
  switch (type) {
    case 'webhook':
      return (
        <>
          {text('url', 'Endpoint URL', {
            description: 'HTTPS only. Batches are POSTed as JSON, signed per Standard Webhooks.',
            required: true,
            placeholder: 'https://siem.example.com/hooks/keyledger',
          })}
          {secret}
        </>
      );
    case 'splunk_hec':
      return (
        <>
          {text('url', 'HEC URL', {
            description: 'The collector (https://host:8088) or its …/services/collector/event endpoint.',
            required: true,
            placeholder: 'https://splunk.example.com:8088',
          })}
          {secret}
          {text('index', 'Index', { description: "Optional: the token's default index when empty." })}
          {text('source', 'Source', { placeholder: 'keyledger' })}
          {text('sourcetype', 'Sourcetype', { required: true })}
        </>
      );
    case 'datadog':
      return (
        <>
          <NativeSelect
            key="site"
            label="Datadog site"
            data={[...DATADOG_SITES]}
            value={values.site ?? 'datadoghq.com'}
            onChange={(e) => set('site', e.currentTarget.value)}
            error={errors.site}
          />
          {secret}
          {text('service', 'Service', { placeholder: 'keyledger' })}
          {text('tags', 'Tags', { description: 'Comma-separated, e.g. env:prod, team:security', placeholder: 'env:prod' })}
        </>
      );
    case 's3':
      return (
        <>
          {text('bucket', 'Bucket', { required: true })}
          {text('region', 'Region', { required: true, placeholder: 'eu-west-1' })}
          {text('prefix', 'Prefix', { description: 'Optional folder, e.g. audit/keyledger' })}
          {text('endpoint', 'Endpoint', {
            description: 'Only for S3-compatible stores (MinIO, R2, …): https://… Empty: AWS S3.',
          })}
          {text('accessKeyId', 'Access key ID', { required: true })}
          {secret}
          <Checkbox
            key="forcePathStyle"
            label="Path-style addressing (most S3-compatible stores)"
            checked={values.forcePathStyle === 'true'}
            onChange={(e) => set('forcePathStyle', String(e.currentTarget.checked))}
          />
        </>
      );
  }
}

/**
 * Create a stream, or edit one: name, destination (its type chosen on creation: HTTPS webhook, Splunk
 * HEC, Datadog or S3; then that type's settings and its secret, write-only: never shown again, "set",
 * and on edit empty keeps it) and the filter as an audit-log search string.
 */
export function LogStreamForm({ stream, onDone }: { stream?: LogStream; onDone: () => void }) {
  const [name, setName] = useState(stream?.name ?? '');
  const [type, setType] = useState<LogStreamDestinationType>(stream?.destination.type ?? 'webhook');
  const [values, setValues] = useState<Values>(() => initialValues(stream));
  const [q, setQ] = useState(stream?.filter.q ?? '');
  const [startPoint, setStartPoint] = useState<'now' | 'beginning'>('now');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const create = useCreateLogStream();
  const update = useUpdateLogStream();
  const mutation = stream ? update : create;
  const onError = (error: unknown) => setErrors(apiFieldErrors(error));
  const set = (field: string, value: string) => setValues((v) => ({ ...v, [field]: value }));

  const submit = () => {
    const filter = q.trim() ? { q: q.trim() } : {};
    const secretField = LOG_STREAM_SECRET_FIELDS[type];
    if (!stream) {
      const destination: Record<string, unknown> = { type };
      for (const field of DESTINATION_FIELDS[type]) {
        const v = field === secretField ? values[field] : apiValue(field, values[field], false);
        if (v !== undefined) destination[field] = v;
      }
      if (type === 's3' && destination.forcePathStyle === false) delete destination.forcePathStyle;
      const parsed = ZCreateLogStreamBody.safeParse({ name, destination, filter, startPoint });
      if (!parsed.success) return setErrors(fieldErrors(parsed.error));
      setErrors({});
      create.mutate({ body: parsed.data }, { onSuccess: onDone, onError });
      return;
    }
    const before = initialValues(stream);
    const destination: Record<string, unknown> = {};
    for (const field of DESTINATION_FIELDS[type]) {
      if (field === secretField) {
        if (values[field]) destination[field] = values[field];
        continue;
      }
      if ((values[field] ?? '').trim() === (before[field] ?? '').trim()) continue;
      destination[field] = apiValue(field, values[field], true);
    }
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
      {stream ? (
        <Text size="sm">
          Destination: <b>{DESTINATION_TYPE_LABELS[type]}</b>
        </Text>
      ) : (
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            Destination
          </Text>
          <SegmentedControl
            aria-label="Destination"
            value={type}
            onChange={(v) => {
              setType(v as LogStreamDestinationType);
              setErrors({});
            }}
            data={LOG_STREAM_DESTINATION_TYPES.map((t) => ({ value: t, label: DESTINATION_TYPE_LABELS[t] }))}
          />
        </Stack>
      )}
      <DestinationFields type={type} values={values} set={set} errors={errors} stream={stream} />
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

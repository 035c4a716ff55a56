import {
  type FieldChange,
  LOG_STREAM_SECRET_FIELDS,
  type LogStreamDestination,
  type LogStreamDestinationInput,
  type LogStreamDestinationType,
  SPLUNK_DEFAULT_SOURCETYPE,
} from '@keyledger/contract';

/** A destination's non-secret settings as stored in log_streams.config (per type). */
export interface WebhookConfig {
  url: string;
}
export interface SplunkHecConfig {
  url: string;
  index?: string;
  source?: string;
  sourcetype: string;
}
export interface DatadogConfig {
  site: string;
  service?: string;
  tags?: string[];
}
export interface S3Config {
  bucket: string;
  region: string;
  prefix?: string;
  endpoint?: string;
  accessKeyId: string;
  forcePathStyle?: boolean;
}
export type DestinationConfig = WebhookConfig | SplunkHecConfig | DatadogConfig | S3Config;

/** Each type's settings, in the order they are shown and audited (the secret is not among them). */
export const DESTINATION_SETTINGS: Record<LogStreamDestinationType, readonly string[]> = {
  webhook: ['url'],
  splunk_hec: ['url', 'index', 'source', 'sourcetype'],
  datadog: ['site', 'service', 'tags'],
  s3: ['bucket', 'region', 'prefix', 'endpoint', 'accessKeyId', 'forcePathStyle'],
};

export function secretField(type: LogStreamDestinationType): string {
  return LOG_STREAM_SECRET_FIELDS[type];
}

/** Splits a destination as given into its stored settings and its secret. */
export function splitDestination(input: LogStreamDestinationInput): {
  config: DestinationConfig;
  secretName: string;
  secret: string;
} {
  const name = secretField(input.type);
  const config: Record<string, unknown> = {};
  for (const key of DESTINATION_SETTINGS[input.type]) {
    const v = (input as Record<string, unknown>)[key];
    if (v !== undefined && v !== null) config[key] = v;
  }
  return {
    config: config as unknown as DestinationConfig,
    secretName: name,
    secret: (input as Record<string, unknown>)[name] as string,
  };
}

/** The URLs a destination dials (each is guarded against private addresses when saved). */
export function destinationUrls(
  type: LogStreamDestinationType,
  config: DestinationConfig,
): Array<{ field: string; url: string }> {
  if (type === 'webhook' || type === 'splunk_hec')
    return [{ field: 'url', url: (config as WebhookConfig).url }];
  if (type === 's3' && (config as S3Config).endpoint)
    return [{ field: 'endpoint', url: (config as S3Config).endpoint! }];
  return [];
}

/** The destination as the API shows it. */
export function toDestinationDto(
  type: LogStreamDestinationType,
  config: DestinationConfig,
  secretsSet: string[],
): LogStreamDestination {
  switch (type) {
    case 'webhook':
      return { type, url: (config as WebhookConfig).url, secretsSet };
    case 'splunk_hec': {
      const c = config as SplunkHecConfig;
      return {
        type,
        url: c.url,
        index: c.index ?? null,
        source: c.source ?? null,
        sourcetype: c.sourcetype ?? SPLUNK_DEFAULT_SOURCETYPE,
        secretsSet,
      };
    }
    case 'datadog': {
      const c = config as DatadogConfig;
      return {
        type,
        site: c.site as never,
        service: c.service ?? null,
        tags: c.tags ?? [],
        secretsSet,
      };
    }
    case 's3': {
      const c = config as S3Config;
      return {
        type,
        bucket: c.bucket,
        region: c.region,
        prefix: c.prefix ?? null,
        endpoint: c.endpoint ?? null,
        accessKeyId: c.accessKeyId,
        forcePathStyle: c.forcePathStyle ?? false,
        secretsSet,
      };
    }
  }
}

/** The audit entry's field changes of a new destination: every setting, and the secret redacted. */
export function destinationCreatedChanges(
  type: LogStreamDestinationType,
  config: DestinationConfig,
  redacted: string,
): FieldChange[] {
  const c = config as unknown as Record<string, unknown>;
  return [
    { field: 'destination.type', before: null, after: type },
    ...DESTINATION_SETTINGS[type]
      .filter((k) => c[k] !== undefined)
      .map((k) => ({ field: `destination.${k}`, before: null, after: auditValue(c[k]) })),
    { field: `destination.${secretField(type)}`, before: null, after: redacted },
  ];
}

/** A setting as an audit change value (tags as one string). */
export function auditValue(v: unknown): FieldChange['after'] {
  if (v === undefined) return null;
  if (Array.isArray(v)) return v.join(', ');
  return v as FieldChange['after'];
}

/** Where a stream sends, in words (the failing email). */
export function destinationLabel(type: LogStreamDestinationType, config: DestinationConfig): string {
  const c = config as unknown as Record<string, string>;
  if (type === 'webhook') return c.url!;
  if (type === 'splunk_hec') return `Splunk HEC at ${c.url}`;
  if (type === 'datadog') return `Datadog (${c.site})`;
  return `S3 bucket ${c.bucket}${c.endpoint ? ` at ${c.endpoint}` : ''}`;
}

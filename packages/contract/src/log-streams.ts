/**
 * Log streams: the account's audit log delivered, in seq order and at least once, to a destination
 * the vendor's security team reads (Settings > Log streams, permission `settings:log_streams`).
 *
 * A stream has a destination (a generic HTTPS webhook signed per Standard Webhooks, Splunk HEC,
 * Datadog logs, or S3-compatible object storage), an optional filter (the audit log's filter and
 * search syntax), a start point (now, or the beginning of the log) and a secret (signing secret, HEC
 * token, API key or secret access key) that is stored encrypted and never returned.
 * The worker delivers batches; each batch names its seq range, the hash before it, each entry's hash
 * and the latest signed checkpoint, so the receiver can prove it holds the log complete and unaltered
 * (`keyledger-verify --batches <folder>`). Every change to a stream is an audit entry (Access and
 * security group), its secrets redacted.
 */
import { initContract } from '@ts-rest/core';
import { z } from 'zod';
import { ZCheckpoint } from './audit-integrity';
import { ZAuditEntry } from './audit-log';
import { ZAuditLogFilter } from './audit-search';
import {
  ERROR_RESPONSES,
  NON_EMPTY_PATCH_MESSAGE,
  ZIdParams,
  ZIsoDateTime,
  ZPage,
  ZPageQuery,
  ZUuid,
  nonEmptyPatch,
} from './common';

const c = initContract();

export const LOG_STREAM_DESTINATION_TYPES = ['webhook', 'splunk_hec', 'datadog', 's3'] as const;
export const ZLogStreamDestinationType = z.enum(LOG_STREAM_DESTINATION_TYPES);
export type LogStreamDestinationType = z.infer<typeof ZLogStreamDestinationType>;

export const LOG_STREAM_STATUSES = ['active', 'paused', 'failing'] as const;
export const ZLogStreamStatus = z.enum(LOG_STREAM_STATUSES);
export type LogStreamStatus = z.infer<typeof ZLogStreamStatus>;

export const ZLogStreamStartPoint = z.enum(['now', 'beginning']);
export type LogStreamStartPoint = z.infer<typeof ZLogStreamStartPoint>;

/** The batch format the receiver gets (the JSON body of each webhook request). */
export const LOG_STREAM_BATCH_FORMAT = 'keyledger-log-stream-batch/1';

/**
 * Whether `s` holds a control character — C0 (line breaks and tabs included), DEL or C1 (NEL among
 * them) — or a Unicode line or paragraph separator (U+2028, U+2029), or a space when asked.
 */
function hasControlCharacter(s: string, orSpace = false): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 || (orSpace && c === 0x20)) return true;
  }
  return false;
}

/** An https:// URL (no credentials in it); private, loopback and link-local hosts are refused by the server unless it allows them. */
export const ZHttpsUrl = z
  .string()
  .trim()
  .max(2000)
  // The URL parser drops tabs and line breaks: the address shown would not be the one dialled.
  .url()
  .refine((s) => !hasControlCharacter(s, true), 'must not contain spaces or control characters')
  .refine((s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'https:' && !u.username && !u.password;
    } catch {
      return false;
    }
  }, 'must be an https:// URL without user name or password');

/** A Standard Webhooks secret: `whsec_` and the base64 of 24 to 64 random bytes. */
export const ZWebhookSecret = z
  .string()
  .regex(
    /^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/,
    'must be a Standard Webhooks secret: whsec_ followed by the base64 of 24 to 64 random bytes',
  );

export const ZWebhookDestinationInput = z
  .object({
    type: z.literal('webhook'),
    url: ZHttpsUrl,
    signingSecret: ZWebhookSecret.describe(
      'Signs every request (webhook-signature); write-only: never returned',
    ),
  })
  .strict();

/** A short label (Splunk index, source, Datadog service, …): printable, no spaces at the ends. */
const ZLabel = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !hasControlCharacter(s), 'must not contain control characters or line breaks');

/** A secret token or key: printable ASCII without spaces (it goes into a request header). */
const ZHeaderSecret = (what: string, min = 8) =>
  z
    .string()
    .trim()
    .min(min, `${what} is at least ${min} characters`)
    .max(512)
    .regex(/^[\x21-\x7e]+$/, `${what} must be printable ASCII without spaces`);

export const SPLUNK_DEFAULT_SOURCETYPE = 'keyledger:audit';

/**
 * Splunk HTTP Event Collector: `url` is the collector's base (https://splunk.example.com:8088) or its
 * full event endpoint (…/services/collector/event); each entry is one HEC event envelope.
 */
export const ZSplunkHecDestinationInput = z
  .object({
    type: z.literal('splunk_hec'),
    url: ZHttpsUrl.refine((s) => {
      // Refinements run even when the URL check above failed: an unparsable value is that check's to report.
      let path: string;
      try {
        path = new URL(s).pathname.replace(/\/+$/, '');
      } catch {
        return true;
      }
      return path === '' || path === '/services/collector/event' || path === '/services/collector';
    }, 'must be the collector base (https://host:8088) or …/services/collector/event'),
    token: ZHeaderSecret('the HEC token').describe(
      'The HEC token (Authorization: Splunk <token>); write-only: never returned',
    ),
    index: z
      .string()
      .regex(/^[a-z0-9_][a-z0-9_-]{0,79}$/, 'must be a Splunk index name (a-z, 0-9, _ and -)')
      .optional(),
    source: ZLabel(200).optional(),
    sourcetype: ZLabel(200).default(SPLUNK_DEFAULT_SOURCETYPE),
  })
  .strict();

/** Datadog's sites: logs go to https://http-intake.logs.<site>/api/v2/logs. */
export const DATADOG_SITES = [
  'datadoghq.com',
  'us3.datadoghq.com',
  'us5.datadoghq.com',
  'datadoghq.eu',
  'ap1.datadoghq.com',
  'ddog-gov.com',
] as const;
export const ZDatadogSite = z.enum(DATADOG_SITES);

/** A Datadog tag (`key:value` or `value`): lower case letters, digits and `_-:./`, starting with a letter. */
const ZDatadogTag = z
  .string()
  .regex(/^[a-z][a-z0-9_:./-]{0,199}$/, 'must be a Datadog tag: a letter, then a-z, 0-9, _ - : . /')
  // Keyledger sets these itself: a second one would let a stream pass for another account's or stream's.
  .refine((s) => !/^(account_id|stream_id)(:|$)/.test(s), 'account_id and stream_id are set by Keyledger');

export const ZDatadogDestinationInput = z
  .object({
    type: z.literal('datadog'),
    site: ZDatadogSite,
    apiKey: ZHeaderSecret('the API key').describe(
      'The Datadog API key (DD-API-KEY); write-only: never returned',
    ),
    service: ZLabel(100).optional().describe('Datadog service (default keyledger)'),
    tags: z.array(ZDatadogTag).max(50).optional(),
  })
  .strict();

/**
 * An S3 bucket name per AWS's naming rules: 3-63 characters of a-z, 0-9, . and -, a letter or digit at
 * either end, no two dots in a row, not an IP address (a client may take such a name for a host), and
 * none of the prefixes and suffixes AWS reserves.
 */
export const ZS3BucketName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name (3-63 characters: a-z, 0-9, . and -)')
  .refine((s) => !s.includes('..'), 'must be an S3 bucket name: no two dots in a row')
  .refine((s) => !/^\d{1,3}(\.\d{1,3}){3}$/.test(s), 'must be an S3 bucket name, not an IP address')
  .refine(
    (s) =>
      !/^(xn--|sthree-|amzn-s3-demo-)/.test(s) && !/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(s),
    'must be an S3 bucket name: the prefixes xn--, sthree-, amzn-s3-demo- and the suffixes -s3alias, --ol-s3, .mrap, --x-s3, --table-s3 are reserved',
  );

/**
 * S3 or an S3-compatible store: one gzip NDJSON object per batch under
 * `<prefix>/account=<id>/stream=<id>/YYYY/MM/DD/HH/<firstSeq>-<lastSeq>.ndjson.gz`, and an hourly,
 * signed, chained digest under `…/digests/YYYY/MM/DD/HH.json`.
 */
export const ZS3DestinationInput = z
  .object({
    type: z.literal('s3'),
    bucket: ZS3BucketName,
    region: z.string().regex(/^[a-z]{2}(-[a-z0-9]+){1,4}$/, 'must be a region such as eu-west-1'),
    prefix: z
      .string()
      .max(200)
      .regex(
        /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/,
        'must be folder names (A-Z a-z 0-9 ! _ . * \' ( ) -) separated by /, without a / at either end',
      )
      .refine((s) => !s.split('/').some((p) => p === '.' || p === '..'), 'must not contain . or .. folders')
      .optional(),
    endpoint: ZHttpsUrl.optional().describe(
      'An S3-compatible endpoint (https://…); AWS S3 when absent',
    ),
    accessKeyId: z.string().regex(/^[A-Za-z0-9]{3,128}$/, 'must be an access key id (letters and digits)'),
    secretAccessKey: ZHeaderSecret('the secret access key', 1).describe(
      'Write-only: never returned',
    ),
    forcePathStyle: z.boolean().optional(),
  })
  .strict();

export const ZLogStreamDestinationInput = z.discriminatedUnion('type', [
  ZWebhookDestinationInput,
  ZSplunkHecDestinationInput,
  ZDatadogDestinationInput,
  ZS3DestinationInput,
]);
export type LogStreamDestinationInput = z.infer<typeof ZLogStreamDestinationInput>;

/** Which secret each destination type keeps (write-only). */
export const LOG_STREAM_SECRET_FIELDS = {
  webhook: 'signingSecret',
  splunk_hec: 'token',
  datadog: 'apiKey',
  s3: 'secretAccessKey',
} as const satisfies Record<LogStreamDestinationType, string>;

/**
 * A change to a stream's destination: any of its type's fields (the type itself does not change —
 * create another stream for another destination). A field of another type is refused, naming it.
 * Optional settings are cleared with null.
 */
export const ZLogStreamDestinationPatch = z
  .object({
    url: ZHttpsUrl.optional(),
    signingSecret: ZWebhookSecret.optional().describe('A new signing secret (write-only)'),
    token: ZHeaderSecret('the HEC token').optional().describe('A new HEC token (write-only)'),
    index: ZSplunkHecDestinationInput.shape.index.unwrap().nullable().optional(),
    source: ZLabel(200).nullable().optional(),
    sourcetype: ZLabel(200).optional(),
    site: ZDatadogSite.optional(),
    apiKey: ZHeaderSecret('the API key').optional().describe('A new Datadog API key (write-only)'),
    service: ZLabel(100).nullable().optional(),
    tags: z.array(ZDatadogTag).max(50).nullable().optional(),
    bucket: ZS3DestinationInput.shape.bucket.optional(),
    region: ZS3DestinationInput.shape.region.optional(),
    prefix: ZS3DestinationInput.shape.prefix.unwrap().nullable().optional(),
    endpoint: ZHttpsUrl.nullable().optional(),
    accessKeyId: ZS3DestinationInput.shape.accessKeyId.optional(),
    secretAccessKey: ZHeaderSecret('the secret access key', 1)
      .optional()
      .describe('A new secret access key (write-only)'),
    forcePathStyle: z.boolean().nullable().optional(),
  })
  .strict()
  .refine(nonEmptyPatch, NON_EMPTY_PATCH_MESSAGE);
export type LogStreamDestinationPatch = z.infer<typeof ZLogStreamDestinationPatch>;

const secretsSet = z
  .array(z.string())
  .describe('Names of the secrets stored for this destination (their values are never returned)');

/** The destination as the API shows it: its non-secret settings, and which secrets are set. */
export const ZLogStreamDestination = z.discriminatedUnion('type', [
  z.object({ type: z.literal('webhook'), url: z.string(), secretsSet }),
  z.object({
    type: z.literal('splunk_hec'),
    url: z.string(),
    index: z.string().nullable(),
    source: z.string().nullable(),
    sourcetype: z.string(),
    secretsSet,
  }),
  z.object({
    type: z.literal('datadog'),
    site: ZDatadogSite,
    service: z.string().nullable(),
    tags: z.array(z.string()),
    secretsSet,
  }),
  z.object({
    type: z.literal('s3'),
    bucket: z.string(),
    region: z.string(),
    prefix: z.string().nullable(),
    endpoint: z.string().nullable(),
    accessKeyId: z.string(),
    forcePathStyle: z.boolean(),
    secretsSet,
  }),
]);
export type LogStreamDestination = z.infer<typeof ZLogStreamDestination>;

/** The S3 hourly digest's format (`…/digests/YYYY/MM/DD/HH.json`). */
export const LOG_STREAM_S3_DIGEST_FORMAT = 'keyledger-log-stream-digest/1';

/** The stream's filter: the audit log's filter fields and search string (`q`). */
export const ZLogStreamFilter = ZAuditLogFilter;

export const ZLogStream = z.object({
  id: ZUuid,
  name: z.string(),
  destination: ZLogStreamDestination,
  filter: ZLogStreamFilter,
  filterInWords: z.string(),
  startPoint: ZLogStreamStartPoint,
  status: ZLogStreamStatus,
  deliveredThroughSeq: z
    .number()
    .int()
    .min(0)
    .describe(
      'Every entry (matching the filter) up to this seq was acknowledged by the destination',
    ),
  createdBy: z.object({ type: z.string(), id: ZUuid.nullable(), name: z.string() }),
  createdAt: ZIsoDateTime,
  updatedAt: ZIsoDateTime,
});
export type LogStream = z.infer<typeof ZLogStream>;

export const ZCreateLogStreamBody = z
  .object({
    name: z.string().trim().min(1).max(100).refine((s) => !hasControlCharacter(s), 'must not contain control characters or line breaks'),
    destination: ZLogStreamDestinationInput,
    filter: ZLogStreamFilter.default({}),
    startPoint: ZLogStreamStartPoint.default('now').describe(
      'now: entries written from now on; beginning: the whole log, from entry #1',
    ),
  })
  .strict();
export type CreateLogStreamBody = z.infer<typeof ZCreateLogStreamBody>;

export const ZUpdateLogStreamBody = z
  .object({
    name: z.string().trim().min(1).max(100).refine((s) => !hasControlCharacter(s), 'must not contain control characters or line breaks').optional(),
    destination: ZLogStreamDestinationPatch.optional(),
    filter: ZLogStreamFilter.optional(),
  })
  .strict()
  .refine(nonEmptyPatch, NON_EMPTY_PATCH_MESSAGE);
export type UpdateLogStreamBody = z.infer<typeof ZUpdateLogStreamBody>;

export const ZBackfillLogStreamBody = z
  .object({
    fromSeq: z
      .number()
      .int()
      .min(1)
      .max(Number.MAX_SAFE_INTEGER)
      .optional()
      .describe('Deliver again from this entry on'),
    from: ZIsoDateTime.optional().describe(
      'Deliver again from the first entry at or after this instant',
    ),
  })
  .strict()
  .refine(
    (b) => (b.fromSeq === undefined) !== (b.from === undefined),
    'give exactly one of fromSeq and from',
  );
export type BackfillLogStreamBody = z.infer<typeof ZBackfillLogStreamBody>;

export const ZLogStreamAttempt = z.object({
  id: ZUuid,
  at: ZIsoDateTime,
  batchId: z.string(),
  firstSeq: z.number().int(),
  lastSeq: z.number().int(),
  entries: z.number().int(),
  ok: z.boolean(),
  statusCode: z.number().int().nullable(),
  durationMs: z.number().int(),
  error: z
    .string()
    .nullable()
    .describe(
      'What went wrong: the status and the first 200 characters of the body, or the network error',
    ),
});
export type LogStreamAttempt = z.infer<typeof ZLogStreamAttempt>;

export const ZLogStreamHealth = z.object({
  streamId: ZUuid,
  status: ZLogStreamStatus,
  deliveredThroughSeq: z.number().int(),
  headSeq: z.number().int().describe("The account's latest entry"),
  lagEntries: z
    .number()
    .int()
    .describe('Entries written after deliveredThroughSeq (before the filter)'),
  lagSeconds: z.number().describe('Age of the oldest entry not yet delivered; 0 when caught up'),
  lastSuccessAt: ZIsoDateTime.nullable(),
  lastError: z
    .object({ at: ZIsoDateTime, statusCode: z.number().int().nullable(), message: z.string() })
    .nullable(),
  consecutiveFailures: z.number().int(),
  nextAttemptAt: ZIsoDateTime.nullable(),
  attempts: z.array(ZLogStreamAttempt).describe('The last 50 delivery attempts, newest first'),
});
export type LogStreamHealth = z.infer<typeof ZLogStreamHealth>;

export const ZLogStreamTestResult = z.object({
  ok: z.boolean(),
  statusCode: z.number().int().nullable(),
  durationMs: z.number().int(),
  error: z.string().nullable(),
});
export type LogStreamTestResult = z.infer<typeof ZLogStreamTestResult>;

/** One entry of a batch: the entry as the API returns it (with its seq, hash and prevHash). */
export const ZLogStreamBatchEntry = ZAuditEntry;

/** The body of every delivery request. */
export const ZLogStreamBatch = z.object({
  format: z.literal(LOG_STREAM_BATCH_FORMAT),
  streamId: ZUuid,
  accountId: ZUuid,
  batchId: z
    .string()
    .describe('Stable: the same seq range always has the same id (also the webhook-id header)'),
  firstSeq: z.number().int(),
  lastSeq: z.number().int(),
  prevHash: z.string().describe('The hash of entry firstSeq - 1 (64 zeros before entry #1)'),
  filtered: z
    .boolean()
    .describe('The stream has a filter: entries of the range that do not match it are left out'),
  checkpoint: ZCheckpoint.nullable().describe(
    "The account's latest signed checkpoint when the batch was sent",
  ),
  entries: z.array(ZLogStreamBatchEntry),
});
export type LogStreamBatch = z.infer<typeof ZLogStreamBatch>;

const manage = { permission: 'settings:log_streams' } as const;

export const logStreamsContract = c.router({
  list: {
    method: 'GET',
    path: '/api/v1/log-streams',
    query: ZPageQuery.strict(),
    responses: { 200: ZPage(ZLogStream), ...ERROR_RESPONSES },
    metadata: manage,
    summary: "The account's log streams, newest first",
  },
  get: {
    method: 'GET',
    path: '/api/v1/log-streams/:id',
    pathParams: ZIdParams,
    responses: { 200: ZLogStream, ...ERROR_RESPONSES },
    metadata: manage,
    summary: 'One log stream (its secrets are never returned)',
  },
  create: {
    method: 'POST',
    path: '/api/v1/log-streams',
    body: ZCreateLogStreamBody,
    responses: { 201: ZLogStream, ...ERROR_RESPONSES },
    metadata: manage,
    summary: 'Create a stream; it starts delivering at once',
  },
  update: {
    method: 'PATCH',
    path: '/api/v1/log-streams/:id',
    pathParams: ZIdParams,
    body: ZUpdateLogStreamBody,
    responses: { 200: ZLogStream, ...ERROR_RESPONSES },
    metadata: manage,
    summary: "Change a stream's name, destination settings, secret or filter (not its destination type)",
  },
  pause: {
    method: 'POST',
    path: '/api/v1/log-streams/:id/pause',
    pathParams: ZIdParams,
    body: c.noBody(),
    responses: { 200: ZLogStream, ...ERROR_RESPONSES },
    metadata: manage,
    summary: 'Stop delivering (409 when already paused); entries wait in the log',
  },
  resume: {
    method: 'POST',
    path: '/api/v1/log-streams/:id/resume',
    pathParams: ZIdParams,
    body: c.noBody(),
    responses: { 200: ZLogStream, ...ERROR_RESPONSES },
    metadata: manage,
    summary: 'Deliver again from where it stopped (409 when not paused)',
  },
  remove: {
    method: 'DELETE',
    path: '/api/v1/log-streams/:id',
    pathParams: ZIdParams,
    body: c.noBody(),
    responses: { 204: c.noBody(), ...ERROR_RESPONSES },
    metadata: manage,
    summary: 'Delete the stream and its attempts',
  },
  testEvent: {
    method: 'POST',
    path: '/api/v1/log-streams/:id/test-event',
    pathParams: ZIdParams,
    body: c.noBody(),
    responses: { 200: ZLogStreamTestResult, ...ERROR_RESPONSES },
    metadata: manage,
    summary:
      'Send a signed test batch (no entries, batchId test_…) and report what the destination answered',
  },
  backfill: {
    method: 'POST',
    path: '/api/v1/log-streams/:id/backfill',
    pathParams: ZIdParams,
    body: ZBackfillLogStreamBody,
    responses: { 200: ZLogStream, ...ERROR_RESPONSES },
    metadata: manage,
    summary:
      'Deliver again from a seq or a date (only moves the stream back; receivers deduplicate by entry id)',
  },
  health: {
    method: 'GET',
    path: '/api/v1/log-streams/:id/health',
    pathParams: ZIdParams,
    responses: { 200: ZLogStreamHealth, ...ERROR_RESPONSES },
    metadata: manage,
    summary: 'Delivered-through seq, lag, last success, last error and the last 50 attempts',
  },
});

/**
 * Where export files live: a local folder (EXPORTS_DIR, the default) or an S3-compatible bucket named by
 * EXPORT_STORAGE_URL:
 *
 *   s3://[ACCESS_KEY_ID:SECRET_ACCESS_KEY@]bucket[/prefix][?region=…&endpoint=http(s)://…&forcePathStyle=true]
 *
 * Credentials in the URL (percent-encoded) are used as they are; without them the AWS SDK's default chain
 * finds them (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, AWS_PROFILE, web identity, the
 * instance or task role). Every message below names the part that is wrong and never repeats a secret.
 */

export interface S3ExportStorageConfig {
  kind: 's3';
  bucket: string;
  /** '' or a prefix ending in '/': every object key is `<prefix><accountId>/<exportId>.<ext>`. */
  prefix: string;
  region: string;
  /** An S3-compatible server (MinIO, Ceph, R2, …); unset for AWS S3 itself. */
  endpoint?: string;
  forcePathStyle: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface LocalExportStorageConfig {
  kind: 'local';
  dir: string;
}

export type ExportStorageConfig = LocalExportStorageConfig | S3ExportStorageConfig;

export const DEFAULT_S3_REGION = 'us-east-1';

const PARAMETERS = ['region', 'endpoint', 'forcePathStyle'] as const;
type Parameter = (typeof PARAMETERS)[number];

/** S3's rules for new buckets: 3–63 of a-z 0-9 . -, starting and ending with a letter or digit, no "..", not an IP address. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION = /^[a-z0-9-]{1,64}$/;
/** Prefix segments: no control characters, no backslash, nothing S3 or a shell would read otherwise. */
const PREFIX_SEGMENT = /^[A-Za-z0-9!_.*'()-]+$/;

export type ParsedExportStorageUrl =
  { ok: true; value: S3ExportStorageConfig } | { ok: false; message: string };

function fail(message: string): ParsedExportStorageUrl {
  return { ok: false, message };
}

function decode(part: string, what: string): string | Error {
  try {
    return decodeURIComponent(part);
  } catch {
    return new Error(`the ${what} is not validly percent-encoded`);
  }
}

export function parseExportStorageUrl(raw: string): ParsedExportStorageUrl {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(raw)?.[1];
  if (!scheme)
    return fail('must be a URL such as s3://bucket/prefix?region=eu-west-1 (no scheme found)');
  if (scheme.toLowerCase() !== 's3')
    return fail(
      `the scheme must be s3:// (got ${JSON.stringify(`${scheme}:`)}); leave it unset to keep export files in EXPORTS_DIR`,
    );
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail(
      'is not a valid URL: expected s3://[ACCESS_KEY_ID:SECRET_ACCESS_KEY@]bucket[/prefix][?region=…&endpoint=…&forcePathStyle=true]',
    );
  }
  if (!raw.startsWith(`${scheme}://`))
    return fail('must start with s3:// followed by the bucket name');
  if (url.hash) return fail('must not have a #fragment');

  const bucket = url.hostname;
  if (!bucket) return fail('the bucket (the part after s3://) is missing');
  if (url.port)
    return fail(
      `the bucket ${JSON.stringify(bucket)} must not have a port; put the server's address in endpoint=`,
    );
  if (!BUCKET.test(bucket) || bucket.includes('..') || /^\d+\.\d+\.\d+\.\d+$/.test(bucket)) {
    return fail(
      `the bucket ${JSON.stringify(bucket)} is not a valid S3 bucket name (3–63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit)`,
    );
  }

  let credentials: S3ExportStorageConfig['credentials'];
  if (url.username || url.password) {
    if (!url.username)
      return fail(
        'the access key id (the user name before ":" and "@") is missing while a secret access key is given',
      );
    if (!url.password)
      return fail(
        'the secret access key (the password after "ACCESS_KEY_ID:") is missing while an access key id is given',
      );
    const accessKeyId = decode(url.username, 'access key id (user name)');
    if (accessKeyId instanceof Error) return fail(accessKeyId.message);
    const secretAccessKey = decode(url.password, 'secret access key (password)');
    if (secretAccessKey instanceof Error) return fail(secretAccessKey.message);
    credentials = { accessKeyId, secretAccessKey };
  }

  // From the text itself: URL parsing would resolve "." and ".." segments away.
  const rawPath = /^[^:]+:\/\/[^/?#]*(\/[^?#]*)?/.exec(raw)?.[1] ?? '';
  const path = rawPath.replace(/^\/+/, '').replace(/\/+$/, '');
  let prefix = '';
  if (path) {
    const segments = path.split('/');
    for (const encoded of segments) {
      const segment = decode(encoded, `prefix segment ${JSON.stringify(encoded)}`);
      if (segment instanceof Error) return fail(segment.message);
      if (!segment) return fail(`the prefix ${JSON.stringify(path)} has an empty segment ("//")`);
      if (segment === '.' || segment === '..' || !PREFIX_SEGMENT.test(segment)) {
        return fail(
          `the prefix segment ${JSON.stringify(segment)} is not allowed (letters, digits and ! _ . * ' ( ) - only; not "." or "..")`,
        );
      }
    }
    prefix = `${segments.map((s) => decodeURIComponent(s)).join('/')}/`;
    if (prefix.length > 512)
      return fail(`the prefix is ${prefix.length} characters long (at most 512)`);
  }

  const seen = new Map<Parameter, string>();
  for (const [name, value] of url.searchParams) {
    if (!(PARAMETERS as readonly string[]).includes(name)) {
      return fail(`unknown parameter ${JSON.stringify(name)} (known: ${PARAMETERS.join(', ')})`);
    }
    if (seen.has(name as Parameter)) return fail(`the parameter ${name} is given twice`);
    seen.set(name as Parameter, value);
  }

  const region = seen.get('region') ?? DEFAULT_S3_REGION;
  if (!REGION.test(region))
    return fail(`region ${JSON.stringify(region)} is not a region name such as eu-west-1`);

  let endpoint: string | undefined;
  const rawEndpoint = seen.get('endpoint');
  if (rawEndpoint !== undefined) {
    let parsed: URL;
    try {
      parsed = new URL(rawEndpoint);
    } catch {
      return fail(
        `endpoint ${JSON.stringify(rawEndpoint)} is not a URL such as http://127.0.0.1:9000`,
      );
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      return fail(`endpoint ${JSON.stringify(rawEndpoint)} must be an http:// or https:// URL`);
    }
    if (parsed.username || parsed.password)
      return fail(
        'endpoint must not hold credentials; put them before the bucket (s3://KEY:SECRET@bucket)',
      );
    if ((parsed.pathname !== '/' && parsed.pathname !== '') || parsed.search || parsed.hash) {
      return fail(
        `endpoint ${JSON.stringify(rawEndpoint)} must be the server's address only (scheme, host, port), without a path or query`,
      );
    }
    endpoint = parsed.origin;
  }

  const rawPathStyle = seen.get('forcePathStyle');
  let forcePathStyle = endpoint !== undefined;
  if (rawPathStyle !== undefined) {
    if (rawPathStyle !== 'true' && rawPathStyle !== 'false')
      return fail(`forcePathStyle must be true or false (got ${JSON.stringify(rawPathStyle)})`);
    forcePathStyle = rawPathStyle === 'true';
  }

  return {
    ok: true,
    value: { kind: 's3', bucket, prefix, region, endpoint, forcePathStyle, credentials },
  };
}

/** The storage in words for logs: never the credentials. */
export function describeExportStorage(config: ExportStorageConfig): string {
  if (config.kind === 'local') return `the local folder ${config.dir}`;
  const where = config.endpoint ? ` at ${config.endpoint}` : ` in ${config.region}`;
  return `s3://${config.bucket}/${config.prefix}${where}`;
}

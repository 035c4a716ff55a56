import { loadEnv } from './env';
import { describeExportStorage, parseExportStorageUrl } from './export-storage-url';

describe(parseExportStorageUrl.name, () => {
  it('reads the bucket, prefix, region, endpoint, path style and credentials', () => {
    expect(parseExportStorageUrl('s3://kl-exports')).toEqual({
      ok: true,
      value: {
        kind: 's3',
        bucket: 'kl-exports',
        prefix: '',
        region: 'us-east-1',
        endpoint: undefined,
        forcePathStyle: false,
        credentials: undefined,
      },
    });
    expect(
      parseExportStorageUrl(
        's3://AKIA%2Fx:se%2Bcr%40et@kl.exports/audit/exports/?region=eu-west-1&endpoint=http%3A%2F%2F127.0.0.1%3A9000&forcePathStyle=false',
      ),
    ).toEqual({
      ok: true,
      value: {
        kind: 's3',
        bucket: 'kl.exports',
        prefix: 'audit/exports/',
        region: 'eu-west-1',
        endpoint: 'http://127.0.0.1:9000',
        forcePathStyle: false,
        credentials: { accessKeyId: 'AKIA/x', secretAccessKey: 'se+cr@et' },
      },
    });
    // An endpoint without forcePathStyle is path-style (what MinIO and most S3-compatible servers expect).
    expect(parseExportStorageUrl('s3://b-1/p?endpoint=https://minio.internal:9000')).toMatchObject({
      ok: true,
      value: { endpoint: 'https://minio.internal:9000', forcePathStyle: true, prefix: 'p/' },
    });
  });

  it.each([
    ['https://bucket/prefix', /the scheme must be s3:\/\/ \(got "https:"\)/],
    ['bucket/prefix', /no scheme found/],
    ['s3:bucket', /must start with s3:\/\//],
    ['s3:///prefix', /the bucket .* is missing/],
    ['s3://My_Bucket', /the bucket "My_Bucket" is not a valid S3 bucket name/],
    ['s3://ab', /the bucket "ab" is not a valid S3 bucket name/],
    ['s3://a..b', /the bucket "a\.\.b" is not a valid/],
    ['s3://192.168.1.1', /not a valid S3 bucket name/],
    [
      's3://bucket:9000',
      /the bucket "bucket" must not have a port; put the server's address in endpoint=/,
    ],
    ['s3://bucket#x', /must not have a #fragment/],
    ['s3://bucket/a//b', /the prefix "a\/\/b" has an empty segment/],
    ['s3://bucket/a/../b', /the prefix segment "\.\." is not allowed/],
    ['s3://bucket/a%20b', /the prefix segment "a b" is not allowed/],
    [
      's3://bucket?regoin=eu-west-1',
      /unknown parameter "regoin" \(known: region, endpoint, forcePathStyle\)/,
    ],
    ['s3://bucket?region=a&region=b', /the parameter region is given twice/],
    ['s3://bucket?region=EU%20West', /region "EU West" is not a region name/],
    [
      's3://bucket?endpoint=127.0.0.1:9000',
      /endpoint "127\.0\.0\.1:9000" is not a URL such as http:\/\/127\.0\.0\.1:9000/,
    ],
    [
      's3://bucket?endpoint=ftp://127.0.0.1:9000',
      /endpoint "ftp:\/\/127\.0\.0\.1:9000" must be an http:\/\/ or https:\/\/ URL/,
    ],
    ['s3://bucket/./b', /the prefix segment "\." is not allowed/],
    ['s3://bucket?endpoint=not%20a%20url', /endpoint "not a url" is not a URL/],
    ['s3://bucket?endpoint=http://127.0.0.1:9000/bucket', /must be the server's address only/],
    ['s3://bucket?endpoint=http://u:p@127.0.0.1:9000', /endpoint must not hold credentials/],
    ['s3://bucket?forcePathStyle=yes', /forcePathStyle must be true or false \(got "yes"\)/],
    ['s3://:secret@bucket', /the access key id .* is missing/],
    ['s3://key@bucket', /the secret access key .* is missing/],
    [
      's3://key:%E0%A4%A@bucket',
      /the secret access key \(password\) is not validly percent-encoded/,
    ],
  ])('refuses %s, naming the bad part', (raw, message) => {
    const parsed = parseExportStorageUrl(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(message);
  });

  it('never repeats the secret, whatever is wrong', () => {
    for (const raw of [
      's3://AKIAXX:TopSecret1@Bad_Bucket',
      's3://AKIAXX:TopSecret1@bucket?nope=1',
      's3://AKIAXX:TopSecret1@bucket/a//b',
    ]) {
      const parsed = parseExportStorageUrl(raw);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.message).not.toContain('TopSecret1');
    }
    const ok = parseExportStorageUrl(
      's3://AKIAXX:TopSecret1@bucket/p?endpoint=http://127.0.0.1:9000',
    );
    expect(ok.ok && describeExportStorage(ok.value)).toBe(
      's3://bucket/p/ at http://127.0.0.1:9000',
    );
  });
});

describe('loadEnv: EXPORT_STORAGE_URL', () => {
  it('keeps export files in EXPORTS_DIR when unset or empty, in the bucket when set', () => {
    expect(loadEnv({ DATA_DIR: '/srv/kl' }).EXPORT_STORAGE).toEqual({
      kind: 'local',
      dir: '/srv/kl/exports',
    });
    expect(loadEnv({ EXPORT_STORAGE_URL: '', EXPORTS_DIR: '/data/x' }).EXPORT_STORAGE).toEqual({
      kind: 'local',
      dir: '/data/x',
    });
    expect(
      loadEnv({ EXPORT_STORAGE_URL: 's3://kl-exports/audit?region=eu-central-1' }).EXPORT_STORAGE,
    ).toMatchObject({
      kind: 's3',
      bucket: 'kl-exports',
      prefix: 'audit/',
      region: 'eu-central-1',
    });
  });

  it('fails at start naming the variable and the bad part, and keeps no copy of the URL with its secret', () => {
    expect(() =>
      loadEnv({ EXPORT_STORAGE_URL: 's3://k:TopSecret1@bucket?forcePathStyle=1' }),
    ).toThrow(/EXPORT_STORAGE_URL: forcePathStyle must be true or false \(got "1"\)/);
    expect(() =>
      loadEnv({ EXPORT_STORAGE_URL: 's3://k:TopSecret1@bucket?forcePathStyle=1' }),
    ).not.toThrow(/TopSecret1/);
    const env = loadEnv({ EXPORT_STORAGE_URL: 's3://k:TopSecret1@bucket' });
    expect('EXPORT_STORAGE_URL' in env).toBe(false);
  });
});

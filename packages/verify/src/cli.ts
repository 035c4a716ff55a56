import { readFileSync } from 'node:fs';
import { loadPublicKey } from './checkpoint';
import { verifyExportFile } from './export-file';
import { verifyS3Folder } from './s3-folder';
import { verifyStreamFolder } from './stream-batches';

const USAGE = `Usage: keyledger-verify <audit-log.ndjson> --public-key <key.pem>
       keyledger-verify --batches <folder> --public-key <key.pem> [--from <seq>] [--to <seq>]
       keyledger-verify --s3 <folder> --public-key <key.pem> [--from <seq>] [--to <seq>]

Checks a Keyledger NDJSON export offline: every entry's hash, the links between neighbouring
entries, the numbering up to the chain head (for exports without a filter), and the signed
checkpoint against the public key (GET /api/v1/audit-log/integrity/public-key).

With --batches, checks a folder of log stream batches (*.json, one request body each, read one
file at a time: webhook batches, Splunk HEC requests or Datadog requests, told apart by shape)
instead: every entry from --from to --to (default: the lowest to the highest received) present
and chained, each batch following the entry before it, duplicates identical, and the checkpoints
the batches carry signed. A filtered stream's entries are checked one by one (not for gaps).

With --s3, checks a folder downloaded from an S3 stream (aws s3 sync of
<prefix>/account=<id>/stream=<id>/): the hourly digests' signatures and chain, each listed
object's SHA-256, no object left out of its hour's final digest, then the objects' entries (each
decompressed a line at a time) as --batches does.
Exits 0 when intact, 1 when broken (naming the first gap or broken entry), 2 on a usage error.`;

export async function main(argv: string[]): Promise<number> {
  const files: string[] = [];
  let keyPath: string | undefined;
  let batchesDir: string | undefined;
  let s3Dir: string | undefined;
  let from: number | undefined;
  let to: number | undefined;
  const seqArg = (v: string | undefined) =>
    v !== undefined && /^[1-9]\d{0,15}$/.test(v) ? Number(v) : NaN;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--public-key') keyPath = argv[++i];
    else if (a.startsWith('--public-key=')) keyPath = a.slice('--public-key='.length);
    else if (a === '--batches') batchesDir = argv[++i];
    else if (a === '--s3') s3Dir = argv[++i];
    else if (a === '--from') from = seqArg(argv[++i]);
    else if (a === '--to') to = seqArg(argv[++i]);
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      return 0;
    } else files.push(a);
  }
  if (
    !keyPath ||
    Number.isNaN(from) ||
    Number.isNaN(to) ||
    (batchesDir && s3Dir) ||
    (batchesDir || s3Dir ? files.length !== 0 : files.length !== 1)
  ) {
    console.error(USAGE);
    return 2;
  }
  const publicKey = loadPublicKey(readFileSync(keyPath, 'utf8'));
  if (batchesDir || s3Dir) {
    const report = batchesDir
      ? await verifyStreamFolder(batchesDir, publicKey, { fromSeq: from, toSeq: to })
      : await verifyS3Folder(s3Dir!, publicKey, { fromSeq: from, toSeq: to });
    console.log(JSON.stringify(report, null, 2));
    if (report.ok) {
      console.error(
        `OK: entries #${report.firstSeq}–#${report.lastSeq} (${report.entries}) in ${report.batches} batches verified${report.checkpoint ? `, checkpoint #${report.checkpoint.seq} signed ${report.checkpoint.at}` : ''}`,
      );
      return 0;
    }
    console.error(`BROKEN at entry #${report.firstBrokenSeq}: ${report.reason}`);
    return 1;
  }
  const report = await verifyExportFile(files[0]!, publicKey);
  console.log(JSON.stringify(report, null, 2));
  if (report.ok) {
    console.error(
      `OK: ${report.entries} entries verified${report.checkpoint ? `, checkpoint #${report.checkpoint.seq} signed ${report.checkpoint.at}` : ''}`,
    );
    return 0;
  }
  console.error(`BROKEN at entry #${report.firstBrokenSeq}: ${report.reason}`);
  return 1;
}

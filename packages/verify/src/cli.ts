import { readFileSync } from 'node:fs';
import { loadPublicKey } from './checkpoint';
import { verifyExportFile } from './export-file';

const USAGE = `Usage: keyledger-verify <audit-log.ndjson> --public-key <key.pem>

Checks a Keyledger NDJSON export offline: every entry's hash, the links between neighbouring
entries, the numbering up to the chain head (for exports without a filter), and the signed
checkpoint against the public key (GET /api/v1/audit-log/integrity/public-key).
Exits 0 when intact, 1 when broken (naming the first broken entry), 2 on a usage error.`;

export async function main(argv: string[]): Promise<number> {
  const files: string[] = [];
  let keyPath: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--public-key') keyPath = argv[++i];
    else if (a.startsWith('--public-key=')) keyPath = a.slice('--public-key='.length);
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      return 0;
    } else files.push(a);
  }
  if (files.length !== 1 || !keyPath) {
    console.error(USAGE);
    return 2;
  }
  const report = await verifyExportFile(files[0]!, loadPublicKey(readFileSync(keyPath, 'utf8')));
  console.log(JSON.stringify(report, null, 2));
  if (report.ok) {
    console.error(`OK: ${report.entries} entries verified${report.checkpoint ? `, checkpoint #${report.checkpoint.seq} signed ${report.checkpoint.at}` : ''}`);
    return 0;
  }
  console.error(`BROKEN at entry #${report.firstBrokenSeq}: ${report.reason}`);
  return 1;
}

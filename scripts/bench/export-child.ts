/**
 * One export in its own process (so its peak RSS is its own): the real AuditExportWriter, COPY →
 * parse → encode → SHA-256 → file, with a no-op job around it. Prints one JSON line.
 * argv: <databaseUrl> <accountId> <csv|ndjson> <file> [filter JSON: {from?}]
 */
import { createWriteStream } from 'node:fs';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { AuditExportWriter } = require('../../apps/api/dist/exports/audit-export.writer');

async function main() {
  const [url, accountId, format, file, filterJson] = process.argv.slice(2);
  const raw = JSON.parse(filterJson ?? '{}') as { from?: string };
  const filter = raw.from ? { from: new Date(raw.from) } : {};
  const writer = new AuditExportWriter({ DATABASE_URL: url });
  const t0 = process.hrtime.bigint();
  const result = await writer.write(
    {
      accountId,
      filter,
      format,
      pinSnapshot: async (head: number) => head,
      onStart: async () => undefined,
      onProgress: async () => undefined,
    },
    createWriteStream(file!),
  );
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(JSON.stringify({ ms, rows: result.rows, sizeBytes: result.sizeBytes, peakRssBytes: result.peakRssBytes, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

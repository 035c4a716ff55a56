import { Logger } from '@nestjs/common';
import { type Env } from '../../config/env';
import { describeExportStorage } from '../../config/export-storage-url';
import { type ExportStorage } from './export-storage';
import { LocalExportStorage } from './local-export.storage';
import { S3ExportStorage } from './s3-export.storage';

/** The storage EXPORT_STORAGE_URL chose: its S3-compatible bucket, else the folder EXPORTS_DIR. */
export function createExportStorage(
  env: Pick<Env, 'EXPORT_STORAGE' | 'EXPORT_SIGNING_SECRET' | 'AUDIT_SIGNING_KEY'>,
): ExportStorage {
  const config = env.EXPORT_STORAGE;
  const logger = new Logger('ExportStorage');
  logger.log(`Export files are kept in ${describeExportStorage(config)}`);
  if (config.kind === 's3') {
    // A bucket lets API and workers run without a shared disk; the key files under DATA_DIR would then differ.
    const unset = [
      env.EXPORT_SIGNING_SECRET ? null : 'EXPORT_SIGNING_SECRET (download links)',
      env.AUDIT_SIGNING_KEY ? null : 'AUDIT_SIGNING_KEY (checkpoints)',
    ].filter((name) => name !== null);
    if (unset.length) {
      logger.warn(
        `Export files are in a bucket but ${unset.join(' and ')} ${unset.length > 1 ? 'are' : 'is'} not set: ` +
          'the key files under DATA_DIR are used, so the API and the workers must still share DATA_DIR; set them to the same values on every machine',
      );
    }
  }
  switch (config.kind) {
    case 'local':
      return new LocalExportStorage(config.dir);
    case 's3':
      return new S3ExportStorage(config);
  }
}

import { Logger } from '@nestjs/common';
import { type Env } from '../../config/env';
import { describeExportStorage } from '../../config/export-storage-url';
import { type ExportStorage } from './export-storage';
import { LocalExportStorage } from './local-export.storage';
import { S3ExportStorage } from './s3-export.storage';

/** The storage EXPORT_STORAGE_URL chose: its S3-compatible bucket, else the folder EXPORTS_DIR. */
export function createExportStorage(env: Pick<Env, 'EXPORT_STORAGE'>): ExportStorage {
  const config = env.EXPORT_STORAGE;
  new Logger('ExportStorage').log(`Export files are kept in ${describeExportStorage(config)}`);
  switch (config.kind) {
    case 'local':
      return new LocalExportStorage(config.dir);
    case 's3':
      return new S3ExportStorage(config);
  }
}

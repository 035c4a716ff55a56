export * from './canonical';
export * from './chain';
export * from './checkpoint';
export * from './export-file';
export * from './stream-batches';
export * from './s3-folder';

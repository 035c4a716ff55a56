import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { assertExportKey, type ExportStorage, type ExportUpload, type StoredExport } from './export-storage';

async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Export files in a local folder: written to `<key>.<writer>.part` and renamed when complete, so a
 * partial file is never served. A new writer of a key first removes parts left by a killed one.
 */
export class LocalExportStorage implements ExportStorage {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async create(key: string): Promise<ExportUpload> {
    assertExportKey(key);
    const path = join(this.root, key);
    const dir = dirname(path);
    await mkdir(dir, { recursive: true });
    const prefix = `${basename(path)}.`;
    for (const name of await readdir(dir)) {
      if (name.startsWith(prefix) && name.endsWith('.part')) await rm(join(dir, name), { force: true });
    }
    const temp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.part`;
    const stream = createWriteStream(temp, { flags: 'wx' });
    const closed = finished(stream).catch(() => undefined);
    return {
      stream,
      commit: async () => {
        await closed;
        if (!stream.writableFinished) throw new Error(`The export file ${temp} was not finished`);
        await fsyncPath(temp);
        await rename(temp, path);
        await fsyncPath(dir).catch(() => undefined);
      },
      abort: async () => {
        stream.destroy();
        await closed;
        await rm(temp, { force: true });
      },
    };
  }

  async open(key: string): Promise<StoredExport | null> {
    assertExportKey(key);
    const path = join(this.root, key);
    try {
      const { size } = await stat(path);
      return { stream: createReadStream(path), size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async remove(key: string): Promise<void> {
    assertExportKey(key);
    await rm(join(this.root, key), { force: true });
  }
}

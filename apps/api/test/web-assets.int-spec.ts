/**
 * The built web app as the API serves it: precompressed files (brotli, gzip) to browsers that
 * accept them, the file itself to those that do not; hashed assets cached for a year as immutable,
 * index.html (and every client route) `no-cache`, so a new build is seen on the next visit.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { startApp, type TestApp } from './support/app';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A request as a browser sends it, with the body as it came over the wire (not decoded). */
function get(base: string, path: string, acceptEncoding?: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the web app’s files', () => {
  let t: TestApp;
  const script = `export const app = ${JSON.stringify('x'.repeat(4000))};\n`;
  const html = `<!doctype html><title>Keyledger</title><div id="root"><p>Loading Keyledger…</p></div>${' '.repeat(600)}`;

  beforeAll(async () => {
    const webDist = mkdtempSync(join(tmpdir(), 'kl-web-'));
    mkdirSync(join(webDist, 'assets'));
    const write = (rel: string, text: string) => {
      writeFileSync(join(webDist, rel), text);
      writeFileSync(join(webDist, `${rel}.br`), brotliCompressSync(text));
      writeFileSync(join(webDist, `${rel}.gz`), gzipSync(text));
    };
    write('index.html', html);
    write('assets/index-AbC123.js', script);
    writeFileSync(join(webDist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    t = await startApp({ WEB_DIST: webDist });
  });
  afterAll(() => t.close());

  it('sends brotli to a browser that accepts it, gzip to one that accepts only gzip, the file to others', async () => {
    const br = await get(t.url, '/assets/index-AbC123.js', 'gzip, deflate, br');
    expect([br.status, br.headers['content-encoding']]).toEqual([200, 'br']);
    expect(brotliDecompressSync(br.body).toString()).toBe(script);
    expect(br.body.length).toBeLessThan(script.length / 10);
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(String(br.headers.vary)).toMatch(/accept-encoding/i);

    const gz = await get(t.url, '/assets/index-AbC123.js', 'gzip');
    expect([gz.status, gz.headers['content-encoding']]).toEqual([200, 'gzip']);
    expect(gunzipSync(gz.body).toString()).toBe(script);

    const plain = await get(t.url, '/assets/index-AbC123.js');
    expect([plain.status, plain.headers['content-encoding']]).toEqual([200, undefined]);
    expect(plain.body.toString()).toBe(script);
  });

  it('caches hashed assets for a year as immutable, and has the browser re-check everything else', async () => {
    const asset = await get(t.url, '/assets/index-AbC123.js', 'br');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const path of ['/', '/licenses/123', '/settings/audit-logs?actor=x']) {
      const page = await get(t.url, path, 'br');
      expect([path, page.status, page.headers['cache-control'], page.headers['content-encoding']]).toEqual([path, 200, 'no-cache', 'br']);
      expect(brotliDecompressSync(page.body).toString()).toBe(html);
    }
    const icon = await get(t.url, '/favicon.svg');
    expect([icon.status, icon.headers['cache-control']]).toEqual([200, 'no-cache']);
  });

  it('answers 404 for an asset that is not there (an older build’s), never index.html', async () => {
    const missing = await get(t.url, '/assets/index-Gone99.js', 'br');
    expect(missing.status).toBe(404);
  });
});

import { Readable } from 'node:stream';
import { copyField, copyRows, inlineParams } from './copy-rows';

describe('COPY rows', () => {
  it('inlines parameters as escaped literals', () => {
    expect(inlineParams('a = $1 AND b = ANY($2::text[]) AND c <= $3 AND d = $10', ["o'brien\\", ['x', "y'"], 5, 1, 1, 1, 1, 1, 1, 'ten'])).toBe(
      String.raw`a =  E'o''brien\\' AND b = ANY(ARRAY['x', 'y''']::text[]) AND c <= 5 AND d = 'ten'`,
    );
    expect(() => inlineParams('a = $1', [{}])).toThrow(/Cannot inline/);
    expect(() => inlineParams('a = $2', [1])).toThrow(/No parameter/);
  });

  it('decodes fields of the text format', () => {
    expect(copyField('\\N')).toBeNull();
    expect(copyField(String.raw`a\tb\nc\\d\re`)).toBe('a\tb\nc\\d\re');
    expect(copyField('plain')).toBe('plain');
  });

  it('parses rows across chunk boundaries with the types node-pg would give', async () => {
    // JSON "x\ty" (a tab) and "b\\s" (a backslash), each backslash doubled by COPY.
    const text = '7\t{"a": [1, "x\\\\ty", "b\\\\\\\\s"]}\t\\N\t2026-01-02 03:04:05.678+00\n8\t[]\thi\\tthere\t2026-01-02 03:04:06+00\n';
    const bytes = Buffer.from(text);
    const chunks = [bytes.subarray(0, 5), bytes.subarray(5, 30), bytes.subarray(30)];
    const columns = [
      { name: 'seq', dataTypeID: 20 },
      { name: 'doc', dataTypeID: 3802 },
      { name: 'note', dataTypeID: 25 },
      { name: 'at', dataTypeID: 1184 },
    ];
    const rows: unknown[] = [];
    for await (const batch of copyRows(Readable.from(chunks), columns)) rows.push(...batch);
    expect(rows).toEqual([
      { seq: '7', doc: { a: [1, 'x\ty', 'b\\s'] }, note: null, at: new Date('2026-01-02T03:04:05.678Z') },
      { seq: '8', doc: [], note: 'hi\tthere', at: new Date('2026-01-02T03:04:06Z') },
    ]);
  });
});

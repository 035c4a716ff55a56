import { CsvRecords } from './csv-copy';

describe(CsvRecords.name, () => {
  const copyOutput =
    '2026-01-01T00:00:00.000Z,1,a,"x\ny"\n' + // an LF inside a quoted cell
    '2026-01-01T00:00:00.000Z,2,b,""\n' + // an empty quoted last cell
    '2026-01-01T00:00:00.000Z,3,c,"q""\n"\n' + // a doubled quote before an inner LF
    '2026-01-01T00:00:00.000Z,4,"\nd",e\n'; // a cell that starts with an LF

  it.each([1, 2, 3, 7, 1000])('ends records with CRLF, counts them and keeps the first and last seq, in chunks of %i bytes', (size) => {
    const records = new CsvRecords();
    let out = '';
    for (let i = 0; i < copyOutput.length; i += size) out += records.push(Buffer.from(copyOutput.slice(i, i + size))).toString();
    records.end();
    expect(out).toBe(
      '2026-01-01T00:00:00.000Z,1,a,"x\ny"\r\n2026-01-01T00:00:00.000Z,2,b,""\r\n' +
        '2026-01-01T00:00:00.000Z,3,c,"q""\n"\r\n2026-01-01T00:00:00.000Z,4,"\nd",e\r\n',
    );
    expect({ rows: records.rows, firstSeq: records.firstSeq, lastSeq: records.lastSeq }).toEqual({ rows: 4, firstSeq: 1, lastSeq: 4 });
  });

  it('reads the seq of records whose every cell is quoted (FORCE_QUOTE *)', () => {
    const records = new CsvRecords();
    const out = records.push(Buffer.from('"2026-01-01T00:00:00.000Z","41","a,b","x;\'=y"\n"2026-01-01T00:00:00.000Z","42",,""\n')).toString();
    records.end();
    expect(out).toBe('"2026-01-01T00:00:00.000Z","41","a,b","x;\'=y"\r\n"2026-01-01T00:00:00.000Z","42",,""\r\n');
    expect({ rows: records.rows, firstSeq: records.firstSeq, lastSeq: records.lastSeq }).toEqual({ rows: 2, firstSeq: 41, lastSeq: 42 });
  });

  it('refuses output that ends inside a record', () => {
    const records = new CsvRecords();
    records.push(Buffer.from('2026-01-01T00:00:00.000Z,1,"open\n'));
    expect(() => records.end()).toThrow(/middle of a CSV record/);
  });
});

/**
 * The formula rule's cases (value → neutralised text): src/exports/audit-export.format.spec.ts checks
 * Node's form with them, test/csv-safety.int-spec.ts PostgreSQL's.
 */
export const FORMULA_CASES: Array<[string, string]> = [
  ['=HYPERLINK("http://x")', `'=HYPERLINK("http://x")`],
  ['+1+2', "'+1+2"],
  ['-2', "'-2"],
  ['@SUM(A1)', "'@SUM(A1)"],
  ['\tcmd', "'\tcmd"],
  ['\rcmd', "'\rcmd"],
  ['  =1+1', "  '=1+1"],
  ['＝cmd', "'＝cmd"],
  ["x;=cmd|' /C calc'!A0", "x;'=cmd|' /C calc'!A0"],
  ['a, +1', "a, '+1"],
  ['a,-1', "a,'-1"],
  ['a|@x', "a|'@x"],
  ['a\t=b', "a\t'=b"],
  ['a\t\t=b', "a\t'\t'=b"],
  ['line\n=cmd', "line\n'=cmd"],
  ['line\r\n@cmd', "line\r\n'@cmd"],
  ['\t=x', "'\t'=x"],
  ['[1,-2]', "[1,'-2]"],
  ['plain', 'plain'],
  ['a=b', 'a=b'],
  ['a-b', 'a-b'],
  ['ann@acme.test', 'ann@acme.test'],
  ['Mozilla/5.0 (X11; Linux x86_64)', 'Mozilla/5.0 (X11; Linux x86_64)'],
  ['0195f0c2-7a1b-7c3d-8e4f-123456789abc', '0195f0c2-7a1b-7c3d-8e4f-123456789abc'],
  ['', ''],
];

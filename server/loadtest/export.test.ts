import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, CSV_HEADER, csvCell, secondCsvLines, type CsvScope } from './export';

const scope = (requests: number, p95: number): CsvScope => ({
  requests,
  failed: 1,
  status: { '2xx': requests - 1, '3xx': 0, '4xx': 0, '5xx': 1 },
  errors: { timeout: 0, connect: 0, reset: 0, other: 0 },
  p50Ms: 1.5,
  p95Ms: p95,
  p99Ms: 9.87654,
  maxMs: 12,
});

describe('CSV export', () => {
  it('writes the overall line, then each endpoint in name order, with the header columns', () => {
    const lines = secondCsvLines({ second: 3, ...scope(30, 8), lateStarts: 2, dropped: 1, byEndpoint: { search: scope(20, 9), detail: scope(10, 4) } }).split('\r\n');
    expect(CSV_HEADER.trim().split(',')).toEqual([...CSV_COLUMNS]);
    expect(lines[0]).toBe('3,*,30,1,29,0,0,1,0,0,0,0,1.5,8,9.877,12,2,1');
    expect(lines[1].startsWith('3,detail,10,')).toBe(true);
    expect(lines[2].startsWith('3,search,20,')).toBe(true);
    expect(lines[1].endsWith(',,')).toBe(true); // late starts and drops are run-wide, not per endpoint
    expect(lines.length).toBe(4); // three lines and the trailing CRLF
  });

  it('quotes and defuses cells a spreadsheet would misread', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('-x')).toBe("'-x");
    expect(csvCell(null)).toBe('');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell(-2.5)).toBe('-2.5');
  });
});

// CSV export of a run's per-second rows: one line per second for the whole run (endpoint "*") and one per endpoint.
// Streamed by the route handler a batch of seconds at a time, so a long soak never builds one big string. Pure.
import type { ErrorCounts, StatusCounts } from './schema';

export const CSV_COLUMNS = [
  'second',
  'endpoint',
  'requests',
  'failed',
  'status_2xx',
  'status_3xx',
  'status_4xx',
  'status_5xx',
  'error_timeout',
  'error_connect',
  'error_reset',
  'error_other',
  'p50_ms',
  'p95_ms',
  'p99_ms',
  'max_ms',
  'late_starts',
  'dropped',
] as const;

/** "*" is not a valid endpoint name (see endpointSchema), so it cannot clash with one. */
export const OVERALL_ENDPOINT = '*';

/** RFC 4180 quoting, and a leading "'" on text that a spreadsheet would run as a formula. */
export function csvCell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(+v.toFixed(3)) : '';
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(cells: readonly (string | number | null | undefined)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export interface CsvScope {
  requests: number;
  failed: number;
  status: StatusCounts;
  errors: ErrorCounts;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface CsvSecond extends CsvScope {
  second: number;
  lateStarts: number;
  dropped: number;
  byEndpoint: Record<string, CsvScope>;
}

function scopeCells(second: number, endpoint: string, s: CsvScope, late: number | null, dropped: number | null) {
  return [
    second,
    endpoint,
    s.requests,
    s.failed,
    s.status['2xx'],
    s.status['3xx'],
    s.status['4xx'],
    s.status['5xx'],
    s.errors.timeout,
    s.errors.connect,
    s.errors.reset,
    s.errors.other,
    s.p50Ms,
    s.p95Ms,
    s.p99Ms,
    s.maxMs,
    late,
    dropped,
  ];
}

/** The lines for one second: the overall line first, then each endpoint in name order. */
export function secondCsvLines(row: CsvSecond): string {
  let out = csvLine(scopeCells(row.second, OVERALL_ENDPOINT, row, row.lateStarts, row.dropped));
  for (const name of Object.keys(row.byEndpoint).sort()) out += csvLine(scopeCells(row.second, name, row.byEndpoint[name], null, null));
  return out;
}

export const CSV_HEADER = csvLine(CSV_COLUMNS);

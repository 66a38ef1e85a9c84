// Connection settings for the demo target's own database (never Perfdeck's).
import pg from 'pg';

export const DEFAULT_DEMO_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/perfdeck_demo';

export function demoDatabaseUrl(env: Record<string, string | undefined> = process.env): string {
  return env.DEMO_DATABASE_URL?.trim() || DEFAULT_DEMO_DATABASE_URL;
}

const INT8_OID = 20;
const DATE_OID = 1082;

// Per-pool type parsers (not pg.types.setTypeParser, which is process-global and would change how every other
// pg user in the same process — Perfdeck's own code in tests — reads bigints and dates).
const demoTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    // ids are bigint; JSON has no bigint, and the demo's ids stay far below 2^53.
    if (oid === INT8_OID) return (v: string) => (Number.isSafeInteger(Number(v)) ? Number(v) : v);
    // A calendar date is not an instant: keep 'YYYY-MM-DD' instead of a local-midnight Date.
    if (oid === DATE_OID) return (v: string) => v;
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

export interface DemoPoolOptions {
  max?: number;
  statementTimeoutMs?: number;
}

export function createDemoPool(databaseUrl: string, opts: DemoPoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: opts.max ?? 10,
    // Fail fast instead of piling up requests when the database is away; the API answers 503.
    connectionTimeoutMillis: 3_000,
    idleTimeoutMillis: 10_000,
    // A runaway demo query must not hold a connection forever (load tests hammer this API).
    statement_timeout: opts.statementTimeoutMs ?? 10_000,
    application_name: 'perfdeck-demo',
    types: demoTypes,
  });
  // An idle client losing its connection emits 'error' on the pool; unhandled, that would crash the process.
  pool.on('error', (err) => console.warn(`demo db: idle client error: ${err.message}`));
  return pool;
}

/** A client for one-off admin work (seeding, resets), with the same type parsing as the pool. */
export function createDemoClient(databaseUrl: string): pg.Client {
  return new pg.Client({ connectionString: databaseUrl, application_name: 'perfdeck-demo-seed', types: demoTypes });
}

/** Postgres SQLSTATE classes that mean "the database is unreachable or refusing", not "the query is wrong". */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  const code = e?.code ?? '';
  if (/^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|EPIPE)$/.test(code)) return true;
  // Connection exception, insufficient resources, operator intervention, auth failure, database missing.
  if (/^(08|53|57P|28)/.test(code) || code === '3D000') return true;
  return /timeout exceeded when trying to connect|Connection terminated/i.test(e?.message ?? '');
}

/** 57014: statement_timeout or a cancel. */
export const isQueryTimeout = (err: unknown) => (err as { code?: string } | null)?.code === '57014';

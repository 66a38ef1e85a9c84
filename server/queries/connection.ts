// Connections to a *target* database (never Perfdeck's own). Callers pass either a DSN (we open and close a client)
// or their own pg.Client (we change session settings for the duration and put them back).
import pg from 'pg';

export type Target = string | pg.Client;

export class TargetError extends Error {
  constructor(
    message: string,
    readonly code: 'bad_dsn' | 'unreachable' | 'auth' | 'missing_database' | 'query',
  ) {
    super(message);
    this.name = 'TargetError';
  }
}

/** Validates a postgres:// URL and returns a redacted form (no password) for messages. */
export function checkDsn(dsn: string): string {
  let url: URL;
  try {
    url = new URL(dsn);
  } catch {
    throw new TargetError('invalid DSN: expected postgresql://user@host:port/database', 'bad_dsn');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new TargetError(`invalid DSN: scheme must be postgresql://, got ${url.protocol}//`, 'bad_dsn');
  }
  if (url.password) url.password = '***';
  return url.toString();
}

/** A one-line, password-free explanation of a connection failure. */
export function describeConnectError(err: unknown, dsn: string): TargetError {
  const e = err as { code?: string; message?: string };
  let where = dsn;
  try {
    where = checkDsn(dsn);
  } catch {
    /* keep the raw text; checkDsn already ran before connecting */
  }
  const msg = (e?.message ?? String(err)).split('\n')[0];
  if (e?.code === 'ECONNREFUSED' || e?.code === 'ENOTFOUND' || e?.code === 'ETIMEDOUT' || e?.code === 'EHOSTUNREACH' || /timeout/i.test(msg)) {
    return new TargetError(`cannot connect to ${where}: ${msg}`, 'unreachable');
  }
  if (e?.code === '28P01' || e?.code === '28000') return new TargetError(`authentication failed for ${where}: ${msg}`, 'auth');
  if (e?.code === '3D000') return new TargetError(`database does not exist (${where}): ${msg}`, 'missing_database');
  return new TargetError(`cannot connect to ${where}: ${msg}`, 'unreachable');
}

export async function openClient(dsn: string, opts: { applicationName?: string; connectTimeoutMs?: number } = {}): Promise<pg.Client> {
  checkDsn(dsn);
  const client = new pg.Client({
    connectionString: dsn,
    application_name: opts.applicationName ?? 'perfdeck-advisor',
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000,
  });
  // A dropped connection emits 'error' on the client; unhandled it would crash the process.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => {});
    throw describeConnectError(err, dsn);
  }
  return client;
}

export interface SessionSettings {
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
  /** Every transaction of the session read-only: a guarantee that nothing we run can write. */
  readOnly?: boolean;
}

/**
 * Runs `fn` with a client configured with `settings`. With a DSN the client is ours and closed afterwards; with a
 * caller's client the previous values are restored afterwards (also on error).
 */
export async function withTarget<T>(
  target: Target,
  settings: SessionSettings,
  fn: (client: pg.Client) => Promise<T>,
  opts: { applicationName?: string } = {},
): Promise<T> {
  const own = typeof target === 'string';
  const client = own ? await openClient(target, opts) : target;
  const names: [string, string | undefined][] = [
    ['statement_timeout', settings.statementTimeoutMs !== undefined ? `${Math.max(0, Math.round(settings.statementTimeoutMs))}ms` : undefined],
    ['lock_timeout', settings.lockTimeoutMs !== undefined ? `${Math.max(0, Math.round(settings.lockTimeoutMs))}ms` : undefined],
    ['default_transaction_read_only', settings.readOnly ? 'on' : undefined],
  ];
  const previous: [string, string][] = [];
  try {
    for (const [name, value] of names) {
      if (value === undefined) continue;
      if (!own) {
        const { rows } = await client.query('SELECT current_setting($1) AS v', [name]);
        previous.push([name, rows[0].v]);
      }
      await client.query('SELECT set_config($1, $2, false)', [name, value]);
    }
    return await fn(client);
  } finally {
    if (own) await client.end().catch(() => {});
    else {
      for (const [name, value] of previous) {
        await client.query('SELECT set_config($1, $2, false)', [name, value]).catch(() => {});
      }
    }
  }
}

import pg from 'pg';
import { Redis } from 'ioredis';
import type { CheckStep } from './schema';

// Probes used by the targets.check job. Each returns a CheckStep with what was found and the exact fix when
// something is missing. Timeouts everywhere: a probe never hangs a worker.

const TIMEOUT_MS = 5000;

export async function probeHttp(baseUrl: string): Promise<CheckStep> {
  const started = performance.now();
  try {
    const res = await fetch(baseUrl, { redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
    const ms = Math.round(performance.now() - started);
    let health: number | null = null;
    try {
      health = (await fetch(`${baseUrl}/health`, { redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) })).status;
    } catch {
      health = null;
    }
    const ok = res.status < 500 || health === 200;
    return {
      ok,
      summary: `HTTP ${res.status} in ${ms} ms${health !== null ? `; /health → ${health}` : ''}`,
      details: { status: res.status, ms, healthStatus: health },
    };
  } catch (err) {
    return { ok: false, summary: `Unreachable: ${(err as Error).message}`, fixes: [`Start the service at ${baseUrl} or correct the base URL`] };
  }
}

const WANTED = ['pg_stat_statements', 'hypopg', 'pg_qualstats', 'pg_trgm'] as const;

export async function probePostgres(dsn: string | null): Promise<CheckStep> {
  if (!dsn) return { ok: true, skipped: true, summary: 'No Postgres DSN configured' };
  const client = new pg.Client({ connectionString: dsn, connectionTimeoutMillis: TIMEOUT_MS, statement_timeout: TIMEOUT_MS });
  try {
    await client.connect();
    const v = await client.query<{ server_version: string }>('SHOW server_version');
    const preload = await client.query<{ v: string }>("SELECT current_setting('shared_preload_libraries') AS v");
    const ext = await client.query<{ name: string; installed: string | null; available: string | null }>(
      `SELECT a.name, e.extversion AS installed, a.default_version AS available
         FROM pg_available_extensions a LEFT JOIN pg_extension e ON e.extname = a.name
        WHERE a.name = ANY($1)`,
      [WANTED as unknown as string[]],
    );
    const preloaded = preload.rows[0].v.split(',').map((s) => s.trim());
    const byName = new Map(ext.rows.map((r) => [r.name, r]));
    const extensions: Record<string, { installed: boolean; available: boolean; preloaded?: boolean }> = {};
    const fixes: string[] = [];
    for (const name of WANTED) {
      const row = byName.get(name);
      const needsPreload = name === 'pg_stat_statements' || name === 'pg_qualstats';
      extensions[name] = { installed: !!row?.installed, available: !!row, ...(needsPreload ? { preloaded: preloaded.includes(name) } : {}) };
      if (!row) fixes.push(`${name}: install the package (Debian: apt-get install postgresql-15-${name === 'pg_stat_statements' || name === 'pg_trgm' ? 'contrib' : name.replace('_', '-')})`);
      if (needsPreload && !preloaded.includes(name)) fixes.push(`${name}: add it to shared_preload_libraries and restart Postgres`);
      if (row && !row.installed) fixes.push(`${name}: run CREATE EXTENSION ${name};`);
    }
    const core = extensions.pg_stat_statements.installed && extensions.pg_stat_statements.preloaded;
    const summary = `PostgreSQL ${v.rows[0].server_version}; ${WANTED.map((n) => `${n} ${extensions[n].installed ? '✓' : '✗'}`).join(', ')}`;
    return { ok: true, summary, details: { version: v.rows[0].server_version, extensions, queryInsightsReady: core && extensions.hypopg.installed }, fixes };
  } catch (err) {
    return { ok: false, summary: `Cannot connect: ${(err as Error).message}`, fixes: ['Check the DSN, the network path and that the role may connect'] };
  } finally {
    await client.end().catch(() => {});
  }
}

export async function probeRedis(url: string | null): Promise<CheckStep> {
  if (!url) return { ok: true, skipped: true, summary: 'No Redis URL configured' };
  const client = new Redis(url, { lazyConnect: true, connectTimeout: TIMEOUT_MS, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    const info = await client.info('server');
    const version = /redis_version:([^\r\n]+)/.exec(info)?.[1] ?? 'unknown';
    return { ok: true, summary: `Redis ${version}`, details: { version } };
  } catch (err) {
    return { ok: false, summary: `Cannot connect: ${(err as Error).message}` };
  } finally {
    client.disconnect();
  }
}

/** A Prometheus server (buildinfo API) or, when none is configured, the target's own /metrics endpoint. */
export async function probePrometheus(prometheusUrl: string | null, baseUrl: string): Promise<CheckStep> {
  if (prometheusUrl) {
    try {
      const res = await fetch(`${prometheusUrl.replace(/\/+$/, '')}/api/v1/status/buildinfo`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
      const body = (await res.json().catch(() => null)) as { status?: string; data?: { version?: string } } | null;
      if (res.ok && body?.status === 'success') return { ok: true, summary: `Prometheus ${body.data?.version ?? ''}`.trim(), details: { kind: 'prometheus', version: body.data?.version } };
      return { ok: false, summary: `Not a Prometheus API (HTTP ${res.status})`, fixes: ['Use the Prometheus server URL, e.g. http://host:9090'] };
    } catch (err) {
      return { ok: false, summary: `Unreachable: ${(err as Error).message}` };
    }
  }
  try {
    const res = await fetch(`${baseUrl}/metrics`, { redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
    const text = res.ok ? await res.text() : '';
    const series = text.split('\n').filter((l) => l && !l.startsWith('#')).length;
    if (res.ok && /^# (HELP|TYPE) /m.test(text)) {
      return { ok: true, summary: `No Prometheus configured; ${baseUrl}/metrics exposes ${series} series`, details: { kind: 'metrics-endpoint', series } };
    }
    return { ok: true, skipped: true, summary: 'No Prometheus configured and no /metrics endpoint found' };
  } catch {
    return { ok: true, skipped: true, summary: 'No Prometheus configured and no /metrics endpoint found' };
  }
}

// Seeds the demo target's database: deterministic, idempotent, fast (all generation happens server-side).
// CLI: node --import tsx demo/seed.ts [--leads N] [--policies N] [--users N] [--force] [--reset-indexes] [--reset-stats]
import { pathToFileURL } from 'node:url';
import type pg from 'pg';
import { createDemoClient, demoDatabaseUrl } from './db';
import { DEMO_DEFAULT_SIZES, DEMO_SCHEMA_VERSION, DEMO_TABLES } from './data-model';
import {
  CREATE_TABLES_SQL,
  finishTablesSql,
  insertLeadsSql,
  insertPoliciesSql,
  insertUsersSql,
  type DemoSizes,
} from './seed-sql';

export interface SeedOptions {
  leads?: number;
  policies?: number;
  users?: number;
  /** Rebuild even when the tables already hold the expected data. */
  force?: boolean;
  log?: (line: string) => void;
}

export interface SeedResult {
  /** false when the existing data already matched and nothing was written. */
  seeded: boolean;
  reason: string;
  sizes: DemoSizes;
  durationMs: number;
}

// Serializes concurrent seeders (a test and `npm run demo` at once) on the same database.
const SEED_LOCK_KEY = 7_301_946_021;

function resolveSizes(opts: SeedOptions): DemoSizes {
  const sizes = {
    leads: opts.leads ?? DEMO_DEFAULT_SIZES.leads,
    policies: opts.policies ?? DEMO_DEFAULT_SIZES.policies,
    users: opts.users ?? DEMO_DEFAULT_SIZES.users,
  };
  // Policies are drawn from closed leads (~16 %): a hundred leads guarantees there are some.
  const min = { leads: 100, policies: 0, users: 1 };
  for (const key of ['leads', 'policies', 'users'] as const) {
    const v = sizes[key];
    if (!Number.isSafeInteger(v) || v < min[key] || v > 50_000_000) {
      throw new Error(`seedDemo: ${key} must be an integer between ${min[key]} and 50000000, got ${v}`);
    }
  }
  return sizes;
}

/** Why the current contents do not match `sizes` at the current version, or null when they do. */
async function staleReason(client: pg.Client, sizes: DemoSizes): Promise<string | null> {
  const { rows: tables } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c
     WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace AND c.relname = ANY($1)`,
    [DEMO_TABLES],
  );
  const missing = DEMO_TABLES.filter((t) => !tables.some((r) => r.name === t));
  if (missing.length) return `missing tables: ${missing.join(', ')}`;
  const { rows: meta } = await client.query('SELECT version, leads, policies, users FROM demo_meta WHERE id = 1');
  if (meta.length === 0) return 'no demo_meta row';
  if (meta[0].version !== DEMO_SCHEMA_VERSION) return `schema version ${meta[0].version} != ${DEMO_SCHEMA_VERSION}`;
  const { rows: counts } = await client.query<DemoSizes>(
    `SELECT (SELECT count(*) FROM leads)::int AS leads, (SELECT count(*) FROM policies)::int AS policies,
            (SELECT count(*) FROM users)::int AS users`,
  );
  for (const key of ['leads', 'policies', 'users'] as const) {
    // Rows added through POST /api/v1/leads also count as a difference: re-seeding restores the known data set.
    if (counts[0][key] !== sizes[key]) return `${key}: ${counts[0][key]} rows, expected ${sizes[key]}`;
  }
  return null;
}

export async function seedDemo(databaseUrl: string, opts: SeedOptions = {}): Promise<SeedResult> {
  const sizes = resolveSizes(opts);
  const log = opts.log ?? (() => {});
  const started = performance.now();
  const client = createDemoClient(databaseUrl);
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [SEED_LOCK_KEY]);
    // Checked under the lock: a concurrent seeder may just have finished the same work.
    const reason = opts.force ? 'forced' : await staleReason(client, sizes);
    if (reason === null) {
      return { seeded: false, reason: 'up to date', sizes, durationMs: performance.now() - started };
    }
    log(`seeding demo database (${reason}): ${sizes.leads} leads, ${sizes.policies} policies, ${sizes.users} users`);

    // One transaction: a crash half-way leaves the previous data set, never a half-built one.
    await client.query('BEGIN');
    try {
      await client.query("SET LOCAL synchronous_commit = off; SET LOCAL maintenance_work_mem = '256MB'");
      await client.query("SET LOCAL work_mem = '64MB'");
      // Only the demo's own tables; extensions and anything else in the database are left alone.
      await client.query(`DROP TABLE IF EXISTS ${DEMO_TABLES.join(', ')}`);
      for (const sql of CREATE_TABLES_SQL) await client.query(sql);
      const step = async (name: string, sql: string) => {
        const t = performance.now();
        await client.query(sql);
        log(`  ${name}: ${Math.round(performance.now() - t)} ms`);
      };
      await step('users', insertUsersSql(sizes.users));
      await step('leads', insertLeadsSql(sizes.leads, sizes.users));
      // The policies draw needs the leads' primary key for the lead lookup and the FK check below.
      await step('keys', finishTablesSql(sizes).slice(0, 3).join('; '));
      if (sizes.policies > 0) await step('policies', insertPoliciesSql(sizes.policies));
      await step('constraints', finishTablesSql(sizes).slice(3).join('; '));
      await client.query(
        'INSERT INTO demo_meta (id, version, leads, policies, users) VALUES (1, $1, $2, $3, $4)',
        [DEMO_SCHEMA_VERSION, sizes.leads, sizes.policies, sizes.users],
      );
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
    // Outside the transaction (VACUUM cannot run in one): fresh statistics for the planner, the visibility map
    // for index-only scans, and hint bits set now rather than during the first measured query.
    const t = performance.now();
    await client.query(`VACUUM (ANALYZE) ${DEMO_TABLES.join(', ')}`);
    log(`  vacuum analyze: ${Math.round(performance.now() - t)} ms`);
    return { seeded: true, reason, sizes, durationMs: performance.now() - started };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [SEED_LOCK_KEY]).catch(() => {});
    await client.end();
  }
}

/**
 * Drops every index on the demo tables that does not back a constraint (i.e. everything but the primary keys),
 * so a demo tour that created indexes can be replayed from the index-free state. Returns the dropped names.
 */
export async function resetDemoIndexes(databaseUrl: string): Promise<string[]> {
  const client = createDemoClient(databaseUrl);
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `SELECT quote_ident(n.nspname) || '.' || quote_ident(i.relname) AS name
       FROM pg_index x
       JOIN pg_class i ON i.oid = x.indexrelid
       JOIN pg_class t ON t.oid = x.indrelid
       JOIN pg_namespace n ON n.oid = i.relnamespace
       WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ANY($1)
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
       ORDER BY 1`,
      [DEMO_TABLES],
    );
    // CONCURRENTLY: the demo API may be serving (or under load) while the tour is reset; also removes
    // INVALID leftovers of an interrupted CREATE INDEX CONCURRENTLY.
    for (const { name } of rows) await client.query(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
    return rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

export interface ResetQueryStatsOptions {
  /** pg_qualstats_reset() is cluster-wide (it would also wipe other databases' quals), so it is opt-in. */
  qualstats?: boolean;
}

/** Resets pg_stat_statements for the demo database only, so a replayed tour starts from clean statistics. */
export async function resetQueryStats(databaseUrl: string, opts: ResetQueryStatsOptions = {}): Promise<void> {
  const client = createDemoClient(databaseUrl);
  await client.connect();
  try {
    // (userid 0, dbid, queryid 0) = every statement of this database; a bare reset() would also wipe Perfdeck's.
    await client.query(
      `SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0)`,
    );
    if (opts.qualstats) await client.query('SELECT pg_qualstats_reset()');
  } finally {
    await client.end();
  }
}

function parseArgs(argv: string[]): SeedOptions & { resetIndexes: boolean; resetStats: boolean } {
  const out: SeedOptions & { resetIndexes: boolean; resetStats: boolean } = { resetIndexes: false, resetStats: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isSafeInteger(v)) throw new Error(`${arg} needs an integer`);
      return v;
    };
    if (arg === '--leads') out.leads = num();
    else if (arg === '--policies') out.policies = num();
    else if (arg === '--users') out.users = num();
    else if (arg === '--force') out.force = true;
    else if (arg === '--reset-indexes') out.resetIndexes = true;
    else if (arg === '--reset-stats') out.resetStats = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  return out;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const url = demoDatabaseUrl();
  const result = await seedDemo(url, { ...args, log: (line) => console.log(line) });
  console.log(
    result.seeded
      ? `demo seed: done in ${(result.durationMs / 1000).toFixed(1)} s`
      : `demo seed: already up to date (${result.sizes.leads} leads, ${result.sizes.policies} policies)`,
  );
  if (args.resetIndexes) {
    const dropped = await resetDemoIndexes(url);
    console.log(`demo seed: dropped ${dropped.length} secondary index(es)${dropped.length ? `: ${dropped.join(', ')}` : ''}`);
  }
  if (args.resetStats) {
    await resetQueryStats(url);
    console.log('demo seed: pg_stat_statements reset for this database');
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: Error) => {
    console.error(`demo seed failed: ${err.message}`);
    process.exitCode = 1;
  });
}

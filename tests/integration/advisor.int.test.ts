// The index advisor against the real Postgres: collector deltas and resets, inspection (also as a non-superuser),
// recommendations on fixture tables without writing anything, applying with progress and verification, the
// lock_timeout failure path (no INVALID index left), the did-not-help rollback, hygiene drops and EXPLAIN.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adviseDatabase, AdvisorNotReadyError, type IndexRecommendation } from '@/server/queries/advisor';
import { applyIndex, dropIndex, type ApplyProgress } from '@/server/queries/apply';
import { computeDeltas, snapshotStatements } from '@/server/queries/collector';
import { explainAnalyze, explainStatement } from '@/server/queries/explain';
import { inspectTarget } from '@/server/queries/inspect';
import { createTestDatabase, PG_BASE, type TestDatabase } from './helpers';

let tdb: TestDatabase;
let db: pg.Client;
const role = `pdtest_adv_role_${randomBytes(4).toString('hex')}`;

async function connect(url: string) {
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => {});
  await c.connect();
  return c;
}

async function indexes(table: string): Promise<{ name: string; valid: boolean }[]> {
  const { rows } = await db.query(
    `SELECT i.relname AS name, x.indisvalid AS valid FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
      WHERE x.indrelid = $1::regclass ORDER BY 1`,
    [table],
  );
  return rows;
}

/** Runs the Dexter-style workload a few times so pg_stat_statements has it. */
async function replay(times = 20) {
  for (let i = 0; i < times; i++) {
    await db.query('SELECT * FROM posts WHERE id = $1', [i + 1]);
    await db.query('SELECT * FROM posts WHERE user_id = $1 AND blog_id = $2', [i % 10, i]);
    await db.query('SELECT * FROM posts WHERE user_id = $1 ORDER BY blog_id LIMIT 1000', [i % 10]);
  }
}

const resetThisDb = () =>
  db.query('SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0)');

beforeAll(async () => {
  tdb = await createTestDatabase('adv', { migrate: false });
  db = await connect(tdb.url);
  await db.query('CREATE EXTENSION hypopg; CREATE EXTENSION pg_stat_statements; CREATE EXTENSION pg_trgm');
  await db.query(`CREATE TABLE posts (id int, blog_id int, user_id int, note text)`);
  await db.query(`INSERT INTO posts SELECT n, n % 1000, n % 10, md5(n::text) FROM generate_series(1, 100000) n`);
  await db.query(`CREATE TABLE accounts (id int PRIMARY KEY, email text NOT NULL, score int)`);
  await db.query(`INSERT INTO accounts SELECT n, 'u' || n || '@example.com', n % 100 FROM generate_series(1, 20000) n`);
  await db.query('VACUUM ANALYZE posts, accounts');
  // A role with only what the docs ask for: read statistics and the tables, nothing else.
  await db.query(`CREATE ROLE ${role} LOGIN`);
  await db.query(`GRANT pg_read_all_stats TO ${role}`);
  await db.query(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role}`);
});

afterAll(async () => {
  await db?.end().catch(() => {});
  await tdb?.drop();
  const admin = await connect(`${PG_BASE}/postgres`);
  await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => {});
  await admin.end();
});

describe('collector', () => {
  it('computes per-statement deltas and detects a per-database reset', async () => {
    await resetThisDb();
    await replay(5);
    const a = await snapshotStatements(db);
    await replay(3);
    const b = await snapshotStatements(db);
    const d = computeDeltas(a, b);
    const byId = d.rows.find((r) => r.query === 'SELECT * FROM posts WHERE id = $1');
    expect(byId).toMatchObject({ calls: 3, reset: false });
    expect(byId!.totalExecTimeMs).toBeGreaterThan(0);
    expect(a.rows.every((r) => !r.query.includes('pg_class'))).toBe(true);

    // Another database's statements never show up (pg_stat_statements is cluster-wide).
    const other = await connect(`${PG_BASE}/postgres`);
    await other.query('SELECT 424242 AS not_ours').catch(() => {});
    await other.end();
    expect(b.rows.some((r) => r.query.includes('not_ours'))).toBe(false);

    await resetThisDb();
    await db.query('SELECT * FROM posts WHERE id = $1', [7]);
    const c = await snapshotStatements(db);
    const d2 = computeDeltas(b, c);
    expect(d2.rows.find((r) => r.query === 'SELECT * FROM posts WHERE id = $1')).toMatchObject({ calls: 1, reset: true });
  });
});

describe('inspection', () => {
  it('reports a ready target, and a non-superuser with pg_read_all_stats can read everything', async () => {
    const me = await inspectTarget(tdb.url);
    expect(me.ready).toEqual({ collect: true, advise: true });
    // pg_qualstats is preloaded on this server but not created in the test database: optional, with its fix.
    expect(me.requirements.filter((r) => !r.ok).map((r) => [r.name, r.fix])).toEqual([
      ['pg_qualstats (optional)', 'CREATE EXTENSION IF NOT EXISTS pg_qualstats;'],
    ]);
    const url = tdb.url.replace('postgres@', `${role}@`);
    const low = await inspectTarget(url);
    expect(low.superuser).toBe(false);
    expect(low.readAllStats).toBe(true);
    expect(low.extensions.pg_stat_statements.preloaded).toBe(true);
    expect(low.ready.advise).toBe(true);
  });

  it('names the exact fix for what is missing', async () => {
    const bare = await createTestDatabase('advbare', { migrate: false });
    try {
      const r = await inspectTarget(bare.url);
      const fix = Object.fromEntries(r.requirements.map((x) => [x.name, x.fix]));
      expect(fix['pg_stat_statements created']).toBe('CREATE EXTENSION IF NOT EXISTS pg_stat_statements;');
      expect(fix['hypopg created']).toBe('CREATE EXTENSION IF NOT EXISTS hypopg;');
      expect(fix['pg_trgm (optional)']).toBe('CREATE EXTENSION IF NOT EXISTS pg_trgm;');
      expect(r.ready.advise).toBe(false);
      await expect(adviseDatabase(bare.url)).rejects.toBeInstanceOf(AdvisorNotReadyError);
    } finally {
      await bare.drop();
    }
  });
});

describe('advisor', () => {
  let recs: IndexRecommendation[];

  it('recommends (id) and (user_id, blog_id) for the posts workload and writes nothing', async () => {
    await resetThisDb();
    await replay(20);
    const before = await db.query(`SELECT count(*)::int AS n FROM pg_class WHERE relkind = 'i'`);
    // As the low-privilege role: reading needs no superuser.
    const result = await adviseDatabase(tdb.url.replace('postgres@', `${role}@`), { windowSeconds: 60, hygiene: false });
    recs = result.recommendations;
    const shapes = recs.map((r) => `${r.table}(${r.columns.join(', ')})`).sort();
    expect(shapes).toEqual(['posts(id)', 'posts(user_id, blog_id)']);
    const pair = recs.find((r) => r.columns.length === 2)!;
    expect(pair.ddl).toBe('CREATE INDEX CONCURRENTLY "posts_user_id_blog_id_idx" ON "public"."posts" USING btree ("user_id", "blog_id")');
    expect(pair.queries.map((q) => q.query).sort()).toEqual([
      'SELECT * FROM posts WHERE user_id = $1 AND blog_id = $2',
      'SELECT * FROM posts WHERE user_id = $1 ORDER BY blog_id LIMIT $2',
    ]);
    for (const q of pair.queries) expect(q.costAfter).toBeLessThan(q.costBefore);
    expect(pair.estimatedCostReductionPct).toBeGreaterThan(50);
    expect(pair.estimatedSizeBytes).toBeGreaterThan(0);
    expect(pair.whyNotOthers.length).toBeGreaterThan(0);
    expect(result.workloadCost.after).toBeLessThan(result.workloadCost.before);
    const after = await db.query(`SELECT count(*)::int AS n FROM pg_class WHERE relkind = 'i'`);
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it("takes a caller's pg.Client and an explicit workload, and restores the client's session settings", async () => {
    const client = await connect(tdb.url);
    try {
      await client.query("SET statement_timeout = '123s'");
      const r = await adviseDatabase(client, {
        workload: [{ queryid: 'w1', query: 'SELECT note FROM posts WHERE blog_id = $1', calls: 500, meanMs: 8 }],
        windowSeconds: 3600,
        hygiene: false,
      });
      expect(r.recommendations.map((x) => `${x.table}(${x.columns.join(', ')})`)).toEqual(['posts(blog_id)']);
      expect(r.recommendations[0].queries[0]).toMatchObject({ queryid: 'w1', callsPerDay: 12_000 });
      const { rows } = await client.query(
        "SELECT current_setting('statement_timeout') AS st, current_setting('default_transaction_read_only') AS ro",
      );
      expect(rows[0]).toEqual({ st: '123s', ro: 'off' });
      await client.query('CREATE TEMP TABLE still_writable (x int)'); // the session is not left read-only
    } finally {
      await client.end();
    }
  });

  it('applies a recommendation with progress and verifies that the plan uses it', async () => {
    const pair = recs.find((r) => r.columns.length === 2)!;
    const progress: ApplyProgress[] = [];
    const r = await applyIndex(tdb.url, pair, { onProgress: (p) => progress.push(p), pollMs: 20 });
    expect(r.error).toBeUndefined();
    expect(r.outcome).toBe('applied');
    expect(r.after!.some((x) => x.usesIndex)).toBe(true);
    const sum = (xs: { cost: number }[]) => xs.reduce((s, x) => s + x.cost, 0);
    expect(sum(r.after!)).toBeLessThan(sum(r.before));
    expect(progress.at(-1)).toMatchObject({ phase: 'done', fraction: 1 });
    for (let i = 1; i < progress.length; i++) expect(progress[i].fraction).toBeGreaterThanOrEqual(progress[i - 1].fraction);
    expect(await indexes('posts')).toEqual([{ name: 'posts_user_id_blog_id_idx', valid: true }]);

    // Now served: the advisor does not propose it (or its prefix) again.
    const again = await adviseDatabase(tdb.url, { windowSeconds: 60, hygiene: false });
    expect(again.recommendations.map((x) => x.columns.join(','))).toEqual(['id']);
  });

  it('a lock_timeout during the build fails cleanly and leaves no INVALID index', async () => {
    const idRec = recs.find((r) => r.columns.join() === 'id')!;
    const holder = await connect(tdb.url);
    // An open write transaction: CREATE INDEX CONCURRENTLY has to wait for it before building, and gives up.
    await holder.query('BEGIN');
    await holder.query(`INSERT INTO posts VALUES (100001, 1, 1, 'held')`);
    const phases: string[] = [];
    let released = false;
    const r = await applyIndex(tdb.url, idRec, {
      lockTimeoutMs: 300,
      pollMs: 20,
      onProgress: (p) => {
        phases.push(p.phase);
        // The cleanup (DROP INDEX CONCURRENTLY) waits for the same transaction: let it finish now.
        if (p.phase === 'cleanup' && !released) {
          released = true;
          void holder.query('ROLLBACK');
        }
      },
    });
    await holder.end();
    expect(r.outcome).toBe('failed');
    expect(r.error).toMatch(/lock timeout/);
    expect(r.leftoverInvalidIndex).toBeUndefined();
    expect(phases).toContain('cleanup');
    expect(await indexes('posts')).toEqual([{ name: 'posts_user_id_blog_id_idx', valid: true }]);
  });

  it('drops the index again when the planner does not use it (did_not_help)', async () => {
    const useless: IndexRecommendation = {
      ...recs.find((r) => r.columns.join() === 'id')!,
      name: 'posts_note_idx',
      keys: [{ name: 'note' }],
      columns: ['note'],
    };
    const r = await applyIndex(tdb.url, useless, { pollMs: 20 });
    expect(r.outcome).toBe('did_not_help');
    expect(r.error).toMatch(/does not use the index/);
    expect(r.after!.every((x) => !x.usesIndex)).toBe(true);
    expect((await indexes('posts')).map((x) => x.name)).toEqual(['posts_user_id_blog_id_idx']);
  });

  it('proposes dropping a duplicate index and drops it; refuses a constraint index', async () => {
    await db.query('CREATE INDEX posts_user_id_only_idx ON posts (user_id)');
    const result = await adviseDatabase(tdb.url, { windowSeconds: 60 });
    const dup = result.drops.find((d) => d.index === 'posts_user_id_only_idx')!;
    expect(dup).toMatchObject({ kind: 'duplicate', coveredBy: 'posts_user_id_blog_id_idx' });
    expect(dup.ddl).toBe('DROP INDEX CONCURRENTLY IF EXISTS "public"."posts_user_id_only_idx"');
    expect(result.drops.some((d) => d.index === 'accounts_pkey')).toBe(false);
    expect(await dropIndex(tdb.url, { schema: 'public', index: 'posts_user_id_only_idx' })).toMatchObject({ outcome: 'dropped' });
    expect((await indexes('posts')).map((x) => x.name)).toEqual(['posts_user_id_blog_id_idx']);
    const pk = await dropIndex(tdb.url, { schema: 'public', index: 'accounts_pkey' });
    expect(pk.outcome).toBe('failed');
    expect(pk.error).toMatch(/constraint/);
  });
});

describe('parameter values', () => {
  it('costs with the constants pg_qualstats saw, and finds the index a skewed filter needs', async () => {
    await db.query('CREATE EXTENSION pg_qualstats');
    await db.query(`CREATE TABLE tickets (id int, status text, created_at timestamptz, body text)`);
    // 99 % closed, 1 % open: the generic plan's "1/n_distinct" hides how selective status = 'open' is.
    await db.query(
      `INSERT INTO tickets SELECT n, CASE WHEN n % 100 = 0 THEN 'open' ELSE 'closed' END,
              timestamptz '2026-01-01' + n * interval '1 minute', md5(n::text) FROM generate_series(1, 50000) n`,
    );
    await db.query('VACUUM ANALYZE tickets');
    await resetThisDb();
    const app = await connect(tdb.url);
    try {
      await app.query('SET pg_qualstats.sample_rate = 1');
      for (let i = 0; i < 15; i++) {
        await app.query('SELECT * FROM tickets WHERE status = $1 ORDER BY created_at DESC LIMIT 20', ['open']);
      }
    } finally {
      await app.end();
    }
    const r = await adviseDatabase(tdb.url, { windowSeconds: 60, hygiene: false });
    expect(r.parameterValues.observed).toBeGreaterThanOrEqual(1);
    const t = r.recommendations.find((x) => x.table === 'tickets');
    expect(t?.columns).toEqual(['status', 'created_at']);
  });
});

describe('explain', () => {
  it('EXPLAINs a normalized statement with its generic plan and reports a selective seq scan', async () => {
    const r = await explainStatement(tdb.url, 'SELECT * FROM accounts WHERE score = $1 AND email LIKE $2');
    expect(r.analyzed).toBe(false);
    expect(r.totalCost).toBeGreaterThan(0);
    expect(JSON.stringify(r.plan)).toContain('Seq Scan');
  });

  it('EXPLAIN ANALYZE runs inside a rolled-back transaction', async () => {
    const r = await explainAnalyze(tdb.url, 'UPDATE accounts SET score = -1 WHERE score = $1', [5]);
    expect(r.analyzed).toBe(true);
    expect(r.executionMs).not.toBeNull();
    expect(r.findings.map((f) => f.kind)).toContain('seq_scan_filter');
    const { rows } = await db.query('SELECT count(*)::int AS n FROM accounts WHERE score = -1');
    expect(rows[0].n).toBe(0);
    await expect(explainAnalyze(tdb.url, 'SELECT * FROM accounts WHERE id = $1', [])).rejects.toThrow(/1 parameter/);
  });
});

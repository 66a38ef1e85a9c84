// Index-advisor benchmark: fixture workloads with known-right indexes, each in a fresh scratch database (dropped at
// the end). Per workload: strip non-constraint indexes, reset this database's pg_stat_statements, replay a bounded
// workload, run the advisor, then score it:
//   recall / precision  against the known-right indexes (a recommendation whose leading columns match counts)
//   costReductionVsKnown  (Σ calls × cost before − with recommendations) / (before − with the known-right set),
//                         both sets simulated with HypoPG on the same generic plans
//   seconds               advisor run time
// A Dexter-style per-query baseline (single columns + ordered pairs, 50 % rule, one index per query) is scored the
// same way for comparison. Last stdout line: {"workloads":[{name, recall, precision, costReductionVsKnown, seconds, …}]}
//
// npm run bench:advisor -- [--json] [--only demo,posts,pgbench] [--leads N] [--policies N] [--keep] [--no-qualstats]
// (--no-qualstats: no pg_qualstats in the scratch databases, so parameters are costed from pg_stats alone)
// Postgres: PERFDECK_BENCH_PG (default postgresql://postgres@127.0.0.1:5432), which must be local.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { parseArgs, promisify } from 'node:util';
import pg from 'pg';
import { adviseDatabase, type AdviseResult } from '../server/queries/advisor';
import { analyzeQuery, type QueryShape } from '../server/queries/candidates';
import { snapshotStatements } from '../server/queries/collector';
import { indexSignature, type IndexShape } from '../server/queries/ddl';
import { closeHypoSession, costIndexSet, createHypoIndex, explainGeneric, openHypoSession, type ExplainTarget, type HypoSession } from '../server/queries/hypo';
import { readCatalog } from '../server/queries/metadata';
import { paramScenarios } from '../server/queries/param-values';
import { parseSql } from '../server/queries/parse-sql';
import { quoteIdent } from '../server/queries/sql-ident';
import type { Catalog } from '../server/queries/types';

const run = promisify(execFile);

interface Known {
  table: string;
  /** Acceptable leading-column sequences (e.g. both orders of two equality columns). */
  alternatives: string[][];
}

interface Workload {
  name: string;
  description: string;
  known: Known[];
  setup(dsn: string, db: string): Promise<void>;
  replay(dsn: string, db: string): Promise<{ statements: number }>;
}

const BASE = process.env.PERFDECK_BENCH_PG ?? 'postgresql://postgres@127.0.0.1:5432';
const dsnFor = (db: string) => {
  const u = new URL(BASE);
  u.pathname = `/${db}`;
  return u.toString();
};

function assertLocal() {
  const host = new URL(BASE).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost') throw new Error(`PERFDECK_BENCH_PG must point at 127.0.0.1, got ${host}`);
}

async function withClient<T>(dsn: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: dsn, application_name: 'perfdeck-bench-advisor' });
  c.on('error', () => {});
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => {});
  }
}

// Deterministic pseudo-random numbers for the replayed parameters (same workload every run).
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    s ^= s + Math.imul(s ^ (s >>> 7), 61 | s);
    return ((s ^ (s >>> 14)) >>> 0) / 4294967296;
  };
}

// --- (a) the demo lead-gen database --------------------------------------------------------------------------

function demoWorkload(sizes: { leads: number; policies: number }, qualstats: boolean): Workload {
  return {
    name: 'demo-leadgen',
    description: `demo/seed.ts (${sizes.leads} leads, ${sizes.policies} policies) with the demo API's own query builders${qualstats ? '' : ', without pg_qualstats'}`,
    // docs: demo/lead-query.ts, demo/policy-query.ts and demo/measure.ts name these as the known-right set.
    known: [
      { table: 'leads', alternatives: [['status', 'created_at']] },
      { table: 'policies', alternatives: [['status', 'expiration_date']] },
      { table: 'policies', alternatives: [['lead_id']] },
    ],
    async setup(dsn) {
      const { seedDemo } = await import('../demo/seed');
      await seedDemo(dsn, { leads: sizes.leads, policies: sizes.policies, force: true });
    },
    async replay(dsn) {
      const { buildLeadSearchSql, parseLeadSearch, buildLeadByIdSql, buildPoliciesOfLeadSql, buildCreateLeadSql, parseCreateLead } = await import(
        '../demo/lead-query'
      );
      const { buildPolicySearchSql, parsePolicySearch } = await import('../demo/policy-query');
      const r = rng(42);
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
      const month = () => {
        const y = 2025 + Math.floor(r() * 2);
        const m = 1 + Math.floor(r() * 9);
        return { from: `${y}-${String(m).padStart(2, '0')}-01`, to: `${y}-${String(m + 2).padStart(2, '0')}-28` };
      };
      const search = (extra: string) => {
        const { from, to } = month();
        const parsed = parseLeadSearch(new URLSearchParams(`created_from=${from}&created_to=${to}&${extra}`));
        if (!parsed.ok) throw new Error(`bench: bad lead search ${extra}`);
        return buildLeadSearchSql(parsed.value);
      };
      let n = 0;
      await withClient(dsn, async (c) => {
        // Sample every statement's constants (the default samples 1/max_connections of them).
        if (qualstats) await c.query('SET pg_qualstats.sample_rate = 1');
        const q = async (s: { sql: string; params: unknown[] }) => {
          await c.query(s.sql, s.params);
          n++;
        };
        for (let i = 0; i < 40; i++) {
          // The console's main list: status filter, 3-month window, newest first (a third of them paging on).
          await q(search(`status=${pick(['new', 'contacted', 'closed', 'qualified', 'lost'])}${i % 3 === 0 ? '&offset=20' : ''}`).rows);
          if (i % 4 === 0) {
            await q(search(`status=${pick(['new', 'contacted'])}&insurance_type=${pick(['auto', 'home', 'life'])}&state=${pick(['CA', 'TX', 'NY'])}`).rows);
            await q(search(`status=${pick(['new', 'qualified'])}&include_total=1`).count!);
          }
          const exp = `${2026 + Math.floor(r() * 2)}-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-01`;
          const pol = parsePolicySearch(new URLSearchParams(`status=${pick(['active', 'pending'])}&expiring_before=${exp}`));
          if (!pol.ok) throw new Error('bench: bad policy search');
          await q(buildPolicySearchSql(pol.value));
          const id = String(1 + Math.floor(r() * sizes.leads));
          await q(buildLeadByIdSql(id));
          await q(buildPoliciesOfLeadSql(id));
          if (i % 2 === 0) {
            const lead = parseCreateLead({
              first_name: 'Bench',
              last_name: `Lead${i}`,
              email: `bench${i}@example.com`,
              phone: '+1-555-0100',
              insurance_type: pick(['auto', 'home']),
              state: pick(['CA', 'TX']),
              zip: '90001',
            });
            if (!lead.ok) throw new Error('bench: bad lead');
            await q(buildCreateLeadSql(lead.value));
          }
        }
      });
      return { statements: n };
    },
  };
}

// --- (b) Dexter's posts table --------------------------------------------------------------------------------

const postsWorkload: Workload = {
  name: 'dexter-posts',
  description: "Dexter's test schema: posts 100k rows, blog_id = n % 1000, user_id = n % 10; Dexter's example statements",
  // Dexter's tests: id=1 → (id); user_id=1 AND blog_id=2 → (user_id, blog_id); user_id=1 ORDER BY blog_id LIMIT
  // 1000 → (user_id, blog_id). Its per-query answer for user_id=1 AND blog_id<10 is (blog_id), which the workload-level
  // choice rightly folds into (user_id, blog_id).
  known: [
    { table: 'posts', alternatives: [['id']] },
    { table: 'posts', alternatives: [['user_id', 'blog_id'], ['blog_id', 'user_id']] },
  ],
  async setup(dsn) {
    await withClient(dsn, async (c) => {
      await c.query(`CREATE TABLE posts (id int, blog_id int, user_id int, json json, jsonb jsonb)`);
      await c.query(`INSERT INTO posts (id, blog_id, user_id) SELECT n, n % 1000, n % 10 FROM generate_series(1, 100000) n`);
      await c.query('VACUUM ANALYZE posts');
    });
  },
  async replay(dsn) {
    const r = rng(7);
    const int = (n: number) => Math.floor(r() * n);
    let n = 0;
    await withClient(dsn, async (c) => {
      const q = async (sql: string, params: unknown[]) => {
        await c.query(sql, params);
        n++;
      };
      for (let i = 0; i < 60; i++) {
        await q('SELECT * FROM posts WHERE id = $1', [1 + int(100_000)]);
        await q('SELECT * FROM posts WHERE user_id = $1 AND blog_id = $2', [int(10), int(1000)]);
        await q('SELECT * FROM posts WHERE user_id = $1 AND blog_id < $2', [int(10), 10]);
        await q('SELECT * FROM posts WHERE user_id = $1 ORDER BY blog_id LIMIT 1000', [int(10)]);
        await q('WITH cte AS (SELECT * FROM posts) SELECT * FROM cte WHERE id = $1', [1 + int(100_000)]);
        if (i % 3 === 0) await q('UPDATE posts SET jsonb = $1 WHERE id = $2', [JSON.stringify({ i }), 1 + int(100_000)]);
      }
    });
    return { statements: n };
  },
};

// --- (c) pgbench without primary keys ------------------------------------------------------------------------

function pgbenchArgs(dsn: string) {
  const u = new URL(dsn);
  return ['-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres'), u.pathname.slice(1)];
}

const pgbenchWorkload: Workload = {
  name: 'pgbench-nopk',
  description: 'pgbench -i -I dtg -s 5 (no primary keys), replayed: -S select-only and -N simple-update, bounded by -t',
  // The primary keys of the tables the replayed scripts look up by key. -S and -N read pgbench_accounts by aid and
  // append to pgbench_history; branches (5 rows) and tellers (50 rows) are only touched by the tpcb-like script, and
  // at -s 5 they fit in one page where no index changes any plan (see docs/index-advisor.md).
  known: [{ table: 'pgbench_accounts', alternatives: [['aid']] }],
  async setup(dsn) {
    await run('pgbench', ['-i', '-I', 'dtg', '-s', '5', '-q', ...pgbenchArgs(dsn)], { timeout: 300_000 });
    // -I dtg skips the vacuum step: analyze so the planner has the statistics autovacuum would have given it.
    await withClient(dsn, (c) => c.query('ANALYZE'));
  },
  async replay(dsn) {
    const common = ['-n', '-c', '1', '-j', '1', '-M', 'simple'];
    await run('pgbench', [...common, '-S', '-t', '200', ...pgbenchArgs(dsn)], { timeout: 300_000 });
    await run('pgbench', [...common, '-N', '-t', '100', ...pgbenchArgs(dsn)], { timeout: 300_000 });
    return { statements: 200 + 100 * 5 };
  },
};

// --- scoring -------------------------------------------------------------------------------------------------

interface Rec {
  table: string;
  columns: string[];
  shape: IndexShape;
}

function score(recs: Rec[], known: Known[]) {
  const matches = (r: Rec, k: Known) =>
    r.table === k.table && k.alternatives.some((alt) => alt.every((c, i) => r.columns[i] === c));
  const found = known.filter((k) => recs.some((r) => matches(r, k))).length;
  const good = recs.filter((r) => known.some((k) => matches(r, k))).length;
  return { recall: known.length ? found / known.length : 1, precision: recs.length ? good / recs.length : known.length ? 0 : 1 };
}

interface WorkloadStatement extends ExplainTarget {
  calls: number;
  shape: QueryShape;
}

async function workloadStatements(c: pg.Client, catalog: Catalog): Promise<WorkloadStatement[]> {
  const snap = await snapshotStatements(c);
  const out: WorkloadStatement[] = [];
  for (const row of snap.rows) {
    if (/\b(hypopg|pg_stat_statements|pg_qualstats)/i.test(row.query)) continue;
    let tree;
    try {
      tree = await parseSql(row.query);
    } catch {
      continue;
    }
    const shape = analyzeQuery(tree, catalog);
    if (shape.statement === 'other' || shape.usages.length === 0) continue;
    out.push({ id: row.queryid, sql: row.query, paramCount: shape.paramCount, calls: row.calls, shape, scenarios: paramScenarios(shape, catalog) });
  }
  return out;
}

async function workloadCost(s: HypoSession, stmts: WorkloadStatement[], set: IndexShape[]): Promise<number> {
  const r = await costIndexSet(s, stmts, set.map((shape) => ({ key: indexSignature(shape), shape })));
  let total = 0;
  for (const st of stmts) {
    const x = r.perQuery.get(st.id);
    if (x && Number.isFinite(x.cost)) total += st.calls * x.cost;
  }
  return total;
}

/**
 * Dexter's per-query method (lib/dexter/indexer.rb) on the same statements: pass 1 all single columns, pass 2 all
 * ordered pairs, 50 % savings rule, at most one index per query, suppressed when it is the leading column of a chosen
 * pair. Reimplemented here for comparison only.
 */
async function dexterLike(s: HypoSession, stmts: WorkloadStatement[]): Promise<IndexShape[]> {
  const chosen = new Map<string, IndexShape>();
  const btreeTypes = /^(json|jsonb|point|hstore)/;
  const catalogCols = (st: WorkloadStatement) =>
    st.shape.usages.map((u) => ({ table: u.table, cols: u.referenced.filter((c) => c !== '') }));
  for (const st of stmts) {
    const base = await explainGeneric(s, st);
    if (base.cost < 100) continue;
    const singles: IndexShape[] = [];
    const pairs: IndexShape[] = [];
    for (const { table, cols } of catalogCols(st)) {
      for (const a of cols) {
        singles.push({ table, method: 'btree', columns: [{ name: a }], include: [], where: null });
        for (const b of cols) if (a !== b) pairs.push({ table, method: 'btree', columns: [{ name: a }, { name: b }], include: [], where: null });
      }
    }
    const withSet = async (set: IndexShape[]) => {
      await s.client.query('SELECT hypopg_reset()');
      const names = new Map<string, IndexShape>();
      for (const sh of set) {
        try {
          const h = await createHypoIndex(s, sh);
          names.set(h.name, sh);
        } catch {
          /* json and the like: skipped like Dexter does */
        }
      }
      const r = await explainGeneric(s, st);
      return { cost: r.cost, used: r.indexes.filter((n) => names.has(n)).map((n) => names.get(n)!) };
    };
    const p1 = await withSet(singles.filter((x) => !btreeTypes.test(x.columns[0].name)));
    const p2 = await withSet([...singles, ...pairs]);
    let pick: IndexShape[] = [];
    if (p1.cost < 0.5 * base.cost) pick = p1.used;
    if (p1.cost > 100 && p2.cost < 0.5 * p1.cost && p2.used.length === 1) pick = p2.used;
    // Pass 3: several indexes used → each alone, keep the cheapest that still clears the bar.
    if (pick.length > 1) {
      let best: { sh: IndexShape; cost: number } | null = null;
      for (const sh of pick) {
        const r = await withSet([sh]);
        if (r.cost < 0.5 * base.cost && (!best || r.cost < best.cost)) best = { sh, cost: r.cost };
      }
      pick = best ? [best.sh] : [];
    }
    for (const sh of pick) chosen.set(indexSignature(sh), sh);
  }
  await s.client.query('SELECT hypopg_reset()');
  // Drop a single-column pick that is the leading column of a chosen pair.
  const all = [...chosen.values()];
  return all.filter(
    (x) =>
      !(x.columns.length === 1 && all.some((y) => y !== x && y.columns.length === 2 && y.table.name === x.table.name && y.columns[0].name === x.columns[0].name)),
  );
}

async function stripIndexes(dsn: string) {
  await withClient(dsn, async (c) => {
    const { rows } = await c.query(
      `SELECT quote_ident(n.nspname) || '.' || quote_ident(i.relname) AS name
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = i.relnamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)`,
    );
    for (const r of rows) await c.query(`DROP INDEX ${r.name}`);
  });
}

interface WorkloadResult {
  name: string;
  recall: number;
  precision: number;
  costReductionVsKnown: number;
  seconds: number;
  known: string[];
  recommended: string[];
  costReduction: { recommended: number; known: number };
  statements: number;
  replaySeconds: number;
  dexter: { recall: number; precision: number; costReductionVsKnown: number; recommended: string[] };
  error?: string;
}

const fmtRec = (r: Rec) => `${r.table}(${r.columns.join(', ')})`;

async function runWorkload(w: Workload, log: (s: string) => void, keep: boolean, qualstats: boolean): Promise<WorkloadResult> {
  const db = `pdbench_adv_${w.name.replace(/\W/g, '_')}_${randomBytes(3).toString('hex')}`;
  const admin = dsnFor('postgres');
  const dsn = dsnFor(db);
  await withClient(admin, (c) => c.query(`CREATE DATABASE ${quoteIdent(db)}`));
  try {
    await withClient(dsn, (c) =>
      c.query(
        `CREATE EXTENSION hypopg; CREATE EXTENSION pg_stat_statements; CREATE EXTENSION pg_trgm${qualstats ? '; CREATE EXTENSION pg_qualstats' : ''}`,
      ),
    );
    log(`[${w.name}] ${w.description}`);
    let t = performance.now();
    await w.setup(dsn, db);
    await stripIndexes(dsn);
    log(`[${w.name}] fixture ready in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    // Only this database's statistics: pg_stat_statements is cluster-wide and shared with other work.
    await withClient(dsn, (c) => c.query('SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0)'));
    t = performance.now();
    const { statements } = await w.replay(dsn, db);
    const replaySeconds = (performance.now() - t) / 1000;
    log(`[${w.name}] replayed ${statements} statements in ${replaySeconds.toFixed(1)} s`);

    t = performance.now();
    const advice: AdviseResult = await adviseDatabase(dsn, { windowSeconds: Math.max(1, replaySeconds), hygiene: false });
    const seconds = (performance.now() - t) / 1000;
    const recs: Rec[] = advice.recommendations.map((r) => ({
      table: r.table,
      columns: r.keys.map((k) => k.name),
      shape: { table: { schema: r.schema, name: r.table }, method: r.method, columns: r.keys, include: r.include, where: null },
    }));
    for (const r of advice.recommendations) log(`[${w.name}]   ${r.ddl}  (−${r.estimatedCostReductionPct.toFixed(1)}%)`);
    for (const s of advice.skipped) log(`[${w.name}]   skipped: ${s.reason}: ${s.query.replace(/\s+/g, ' ').slice(0, 80)}`);

    const knownShapes: IndexShape[] = w.known.map((k) => ({
      table: { schema: 'public', name: k.table },
      method: 'btree',
      columns: k.alternatives[0].map((name) => ({ name })),
      include: [],
      where: null,
    }));
    const costs = await withClient(dsn, async (c) => {
      await c.query('SET default_transaction_read_only = on; SET statement_timeout = 30000');
      const catalog = await readCatalog(c);
      const stmts = await workloadStatements(c, catalog);
      const s = await openHypoSession(c);
      try {
        const before = await workloadCost(s, stmts, []);
        const withRecs = await workloadCost(s, stmts, recs.map((r) => r.shape));
        const withKnown = await workloadCost(s, stmts, knownShapes);
        const dexter = await dexterLike(s, stmts);
        const withDexter = await workloadCost(s, stmts, dexter);
        return { before, withRecs, withKnown, dexter, withDexter };
      } finally {
        await closeHypoSession(s);
      }
    });
    const gainKnown = costs.before - costs.withKnown;
    const vsKnown = (after: number) => (gainKnown > 0 ? (costs.before - after) / gainKnown : 1);
    const sc = score(recs, w.known);
    const dexRecs: Rec[] = costs.dexter.map((shape) => ({ table: shape.table.name, columns: shape.columns.map((c) => c.name), shape }));
    const dsc = score(dexRecs, w.known);
    return {
      name: w.name,
      recall: round(sc.recall),
      precision: round(sc.precision),
      costReductionVsKnown: round(vsKnown(costs.withRecs)),
      seconds: round(seconds),
      known: w.known.map((k) => `${k.table}(${k.alternatives.map((a) => a.join(', ')).join(' | ')})`),
      recommended: recs.map(fmtRec),
      costReduction: { recommended: round(1 - costs.withRecs / costs.before), known: round(1 - costs.withKnown / costs.before) },
      statements,
      replaySeconds: round(replaySeconds),
      dexter: {
        recall: round(dsc.recall),
        precision: round(dsc.precision),
        costReductionVsKnown: round(vsKnown(costs.withDexter)),
        recommended: dexRecs.map(fmtRec),
      },
    };
  } finally {
    if (!keep) {
      await withClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(db)} WITH (FORCE)`)).catch((err) =>
        log(`[${w.name}] could not drop ${db}: ${(err as Error).message}`),
      );
    } else log(`[${w.name}] kept database ${db}`);
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000;

async function main() {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      only: { type: 'string' },
      leads: { type: 'string', default: '300000' },
      policies: { type: 'string', default: '100000' },
      keep: { type: 'boolean', default: false },
      'no-qualstats': { type: 'boolean', default: false },
    },
  });
  assertLocal();
  const workloads = [
    demoWorkload({ leads: Number(values.leads), policies: Number(values.policies) }, !values['no-qualstats']),
    postsWorkload,
    pgbenchWorkload,
  ].filter((w) => !values.only || values.only.split(',').some((o) => w.name.includes(o.trim())));
  const log = (s: string) => console.log(s);
  log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, node ${process.version}`);
  const results: WorkloadResult[] = [];
  for (const w of workloads) {
    try {
      const r = await runWorkload(w, log, values.keep, !values['no-qualstats']);
      results.push(r);
      log(
        `[${w.name}] recall ${r.recall}, precision ${r.precision}, cost reduction vs known-right ${r.costReductionVsKnown}, ` +
          `advisor ${r.seconds} s; Dexter-style: recall ${r.dexter.recall}, precision ${r.dexter.precision}, vs known ${r.dexter.costReductionVsKnown}`,
      );
    } catch (err) {
      log(`[${w.name}] failed: ${(err as Error).message}`);
      results.push({
        name: w.name,
        recall: 0,
        precision: 0,
        costReductionVsKnown: 0,
        seconds: 0,
        known: [],
        recommended: [],
        costReduction: { recommended: 0, known: 0 },
        statements: 0,
        replaySeconds: 0,
        dexter: { recall: 0, precision: 0, costReductionVsKnown: 0, recommended: [] },
        error: (err as Error).message,
      });
    }
  }
  console.log(JSON.stringify({ workloads: results }));
  return results.some((r) => r.error) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`bench-advisor: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);

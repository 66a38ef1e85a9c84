// Prints the demo's reference figures (for docs/demo.md): seed time, and EXPLAIN ANALYZE plus API latency of the
// lead search and policy queries without indexes, with the known-right indexes, and with the tempting wrong ones.
// Leaves the database index-free again. Bounded: a fixed number of runs per query and requests per endpoint.
// CLI: node --import tsx demo/measure.ts [--force-seed]
import { pathToFileURL } from 'node:url';
import { createDemoClient, demoDatabaseUrl } from './db';
import { buildLeadByIdSql, buildLeadSearchSql, buildPoliciesOfLeadSql, parseLeadSearch, type SqlQuery } from './lead-query';
import { buildPolicySearchSql, parsePolicySearch } from './policy-query';
import { createQueryTracker } from './query-tracker';
import { resetDemoIndexes, seedDemo } from './seed';
import { startDemoServer } from './server';

const RUNS = 7;
const REQUESTS = 40;

const LEAD_SEARCH = 'status=new&created_from=2026-06-01&created_to=2026-08-31';
const LEAD_SEARCH_NARROW = 'status=new&insurance_type=life&state=TX&created_from=2026-06-01&created_to=2026-08-31';
const LEAD_SEARCH_RARE = 'status=qualified&created_from=2026-01-01&created_to=2026-12-31';
const POLICY_SEARCH = 'status=active&expiring_before=2027-01-01';
const LEAD_ID = '160000';

function leadSql(qs: string): SqlQuery {
  const parsed = parseLeadSearch(new URLSearchParams(qs));
  if (!parsed.ok) throw new Error(`bad query ${qs}`);
  return buildLeadSearchSql(parsed.value).rows;
}
function leadCountSql(qs: string): SqlQuery {
  const parsed = parseLeadSearch(new URLSearchParams(`${qs}&include_total=1`));
  if (!parsed.ok) throw new Error(`bad query ${qs}`);
  return buildLeadSearchSql(parsed.value).count!;
}
function policySql(qs: string): SqlQuery {
  const parsed = parsePolicySearch(new URLSearchParams(qs));
  if (!parsed.ok) throw new Error(`bad query ${qs}`);
  return buildPolicySearchSql(parsed.value);
}

const QUERIES: { name: string; sql: SqlQuery; path: string }[] = [
  { name: 'lead search (status=new, 3-month range)', sql: leadSql(LEAD_SEARCH), path: `/api/v1/leads?${LEAD_SEARCH}` },
  {
    name: 'lead search + insurance_type + state',
    sql: leadSql(LEAD_SEARCH_NARROW),
    path: `/api/v1/leads?${LEAD_SEARCH_NARROW}`,
  },
  { name: 'lead search (status=qualified, rare)', sql: leadSql(LEAD_SEARCH_RARE), path: `/api/v1/leads?${LEAD_SEARCH_RARE}` },
  {
    name: 'lead count (include_total=1)',
    sql: leadCountSql(LEAD_SEARCH),
    path: `/api/v1/leads?${LEAD_SEARCH}&include_total=1`,
  },
  { name: 'renewal queue (policies)', sql: policySql(POLICY_SEARCH), path: `/api/v1/policies?${POLICY_SEARCH}` },
  { name: "lead detail: the lead's policies", sql: buildPoliciesOfLeadSql(LEAD_ID), path: `/api/v1/leads/${LEAD_ID}` },
];

const INDEX_SETS: { label: string; ddl: string[] }[] = [
  { label: 'no secondary indexes', ddl: [] },
  // The tempting partial answers: an index on the filter column alone, or on the sort column alone.
  { label: 'filter column only: leads(status), policies(status)', ddl: ['CREATE INDEX ON leads (status)', 'CREATE INDEX ON policies (status)'] },
  {
    label: 'sort column only: leads(created_at), policies(expiration_date)',
    ddl: ['CREATE INDEX ON leads (created_at)', 'CREATE INDEX ON policies (expiration_date)'],
  },
  {
    label: 'known-right: leads(status, created_at), policies(status, expiration_date), policies(lead_id)',
    ddl: [
      'CREATE INDEX ON leads (status, created_at)',
      'CREATE INDEX ON policies (status, expiration_date)',
      'CREATE INDEX ON policies (lead_id)',
    ],
  },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function planSummary(node: any): string {
  const parts: string[] = [];
  for (let n = node; n; n = n.Plans?.[0]) {
    parts.push(n['Index Name'] ? `${n['Node Type']} (${n['Index Name']})` : n['Node Type']);
  }
  return parts.join(' → ');
}

/** Rows the scan node read and threw away: where a "fast" estimate turns out slow. */
function rowsRead(node: any): string {
  let parallel = false;
  for (let n = node; n; n = n.Plans?.[0]) {
    parallel ||= Boolean(n['Workers Launched']);
    if (n['Rows Removed by Filter']) {
      return ` (${n['Rows Removed by Filter']} rows removed by filter${parallel ? ' per process' : ''})`;
    }
  }
  return '';
}

async function main() {
  const url = demoDatabaseUrl();
  const seed = await seedDemo(url, { force: process.argv.includes('--force-seed'), log: (l) => console.log(l) });
  console.log(seed.seeded ? `seed: ${(seed.durationMs / 1000).toFixed(2)} s` : 'seed: already up to date (use --force-seed to time it)');
  const dropped = await resetDemoIndexes(url);
  if (dropped.length) console.log(`dropped leftover indexes: ${dropped.join(', ')}`);

  const client = createDemoClient(url);
  await client.connect();
  const server = await startDemoServer({ port: 0, databaseUrl: url, tracker: createQueryTracker() });
  try {
    // Warm the cache once so every configuration is measured on a hot buffer cache.
    await client.query('SELECT count(*) FROM leads; SELECT count(*) FROM policies');
    for (const set of INDEX_SETS) {
      const t0 = performance.now();
      for (const ddl of set.ddl) await client.query(ddl);
      if (set.ddl.length) await client.query('ANALYZE leads; ANALYZE policies');
      console.log(`\n## ${set.label}${set.ddl.length ? ` (built in ${Math.round(performance.now() - t0)} ms)` : ''}`);
      for (const q of QUERIES) {
        const times: number[] = [];
        let plan: any;
        for (let i = 0; i < RUNS; i++) {
          const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${q.sql.sql}`, q.sql.params);
          plan = rows[0]['QUERY PLAN'][0];
          times.push(plan['Execution Time']);
        }
        const http: number[] = [];
        for (let i = 0; i < REQUESTS; i++) {
          const t = performance.now();
          const res = await fetch(server.url + q.path);
          await res.arrayBuffer();
          if (!res.ok) throw new Error(`${q.path}: HTTP ${res.status}`);
          http.push(performance.now() - t);
        }
        console.log(
          `- ${q.name}: EXPLAIN ANALYZE median ${median(times).toFixed(3)} ms, est. cost ${plan.Plan['Total Cost']}, ` +
            `API median ${median(http).toFixed(2)} ms — ${planSummary(plan.Plan)}${rowsRead(plan.Plan)}`,
        );
      }
      await resetDemoIndexes(url);
    }
    const { rows } = await client.query(buildLeadByIdSql(LEAD_ID).sql, buildLeadByIdSql(LEAD_ID).params);
    if (rows.length === 0) console.log(`note: lead ${LEAD_ID} does not exist at this size`);
  } finally {
    await server.close();
    await resetDemoIndexes(url);
    const { rows } = await client.query(
      `SELECT count(*)::int AS n FROM pg_indexes WHERE tablename IN ('leads', 'policies', 'users')
         AND indexname NOT LIKE '%\\_pkey'`,
    );
    console.log(`\nsecondary indexes left on the demo tables: ${rows[0].n}`);
    await client.end();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: Error) => {
    console.error(`measure failed: ${err.message}`);
    process.exitCode = 1;
  });
}

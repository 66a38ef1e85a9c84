// `npm run demo` step: record and pin the load-test baseline of the seeded "lead search" scenario on the demo target,
// through the real launch path (service → loadtest.coordinate on BullMQ → the running workers), so the tour opens
// with real p95 figures of the un-indexed lead search. Idempotent: a scenario that already has a baseline is left
// alone (so a baseline recorded before an index was applied keeps showing the improvement) unless --force is given.
// Exit codes: 0 pinned or already pinned, 1 could not record one (the demo goes on without it).
import { DEMO_TARGET_NAME } from '../prisma/seed';
import { SYSTEM_ACTOR } from '../server/auth/roles';
import { db } from '../server/db';
import { env } from '../server/env';
import { closeQueues } from '../server/jobs/queues';
import { getRun, launchRun, LEAD_SEARCH_SCENARIO, listScenarios, pinBaseline } from '../server/loadtest/service';

const log = (line: string) => console.log(`[demo] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForLoadtestWorker(timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const alive = await db().workerHeartbeat.findFirst({ where: { stoppedAt: null, lastSeenAt: { gt: new Date(Date.now() - 20_000) }, queues: { has: 'loadtest' } } });
    if (alive) return true;
    await sleep(1000);
  }
  return false;
}

async function main(): Promise<number> {
  env();
  const scenario = (await listScenarios(SYSTEM_ACTOR, { name: LEAD_SEARCH_SCENARIO })).find((s) => s.targetName === DEMO_TARGET_NAME);
  if (!scenario) {
    log(`no "${LEAD_SEARCH_SCENARIO}" scenario on "${DEMO_TARGET_NAME}" (did the seed run?)`);
    return 1;
  }
  // --force: record and pin a new baseline even when one is pinned (e.g. after demo/seed.ts --reset-indexes).
  if (scenario.baselineRunId && !process.argv.includes('--force')) {
    log(`load-test baseline already pinned for "${scenario.name}" (run ${scenario.baselineRunId.slice(0, 8)})`);
    return 0;
  }
  if (!(await waitForLoadtestWorker(60_000))) {
    log('no worker serving the loadtest queue answered within 60 s; skipping the baseline');
    return 1;
  }
  log(`recording the load-test baseline: "${scenario.name}" for ${scenario.spec.durationSec} s against ${scenario.targetBaseUrl}`);
  const launched = await launchRun(SYSTEM_ACTOR, scenario.id, { shards: 1 });
  const deadline = Date.now() + (scenario.spec.durationSec + 90) * 1000;
  let run = launched;
  let last = '';
  while (!run.finished && Date.now() < deadline) {
    await sleep(1000);
    run = await getRun(SYSTEM_ACTOR, launched.id);
    // One line every ~25%, not one a second.
    const quarter = `${Math.floor(run.progress * 4)}`;
    if (quarter !== last && run.status === 'running' && run.lastSecond >= 0) log(`  ${Math.round(run.progress * 100)}% · ${run.stage ?? ''} · p95 so far ${run.summary?.responseTimeMs.p95.toFixed(1) ?? '—'} ms`);
    last = quarter;
  }
  if (!run.finished || !run.summary) {
    log(`the baseline run did not finish (${run.status}${run.error ? `: ${run.error}` : ''}); the tour works without it`);
    return 1;
  }
  await pinBaseline(SYSTEM_ACTOR, run.id);
  const by = Object.entries(run.summary.byEndpoint)
    .map(([n, e]) => `${n} p95 ${e.responseTimeMs.p95.toFixed(1)} ms`)
    .join(', ');
  log(`baseline pinned: ${run.summary.requests} requests, p95 ${run.summary.responseTimeMs.p95.toFixed(1)} ms (${by}); run ${run.status}`);
  return 0;
}

main()
  .then(async (code) => {
    await closeQueues();
    await db().$disconnect();
    process.exit(code);
  })
  .catch(async (err) => {
    console.error(`[demo] baseline failed: ${(err as Error).message}`);
    await closeQueues().catch(() => {});
    process.exit(1);
  });

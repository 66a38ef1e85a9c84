// Distributed load tests end to end through real Postgres, Redis and BullMQ worker processes (spawned like production:
// `node --import tsx workers/index.ts` with PERFDECK_WORKER_QUEUES=loadtest) against a deterministic node:http server
// on 127.0.0.1:
//   - one worker process / one shard and two worker processes / two shards at the same total rate: request counts
//     within 1%, and the merged percentiles equal those recomputed from the union of the shards' own histograms
//   - kill -9 of a worker mid-run: the run ends partial (or failed) within 30 s with the seconds recorded up to then
//   - the launch policy: role caps, allow-list and viewer refusals (403, audited); one run per target at a time
// Fresh database and a unique queue prefix for this file; the Redis keys under that prefix are deleted at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_REDIS_URL, useTestEnv, type TestDatabase } from './helpers';

let tdb: TestDatabase;
let prefix: string;
let server: http.Server;
let baseUrl: string;
let scenarioId: string;
let targetId: string;
const workers: { proc: ChildProcess; out: string[] }[] = [];

const actor = (role: 'viewer' | 'operator' | 'admin') => ({ id: `${role}-id`, email: `${role}@t.local`, name: role, role, via: 'session' as const });

const RATE = 120;
const DURATION = 5;

/** A worker process serving only the loadtest queue, with two slots: the coordinator and one shard, or two shards. */
async function spawnWorker(): Promise<{ proc: ChildProcess; out: string[] }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'workers/index.ts'], {
    env: { ...process.env, PERFDECK_WORKER_QUEUES: 'loadtest', PERFDECK_LOADTEST_CONCURRENCY: '2' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: string[] = [];
  const w = { proc, out };
  workers.push(w);
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`worker did not start:\n${out.join('')}`)), 60_000);
    const onData = (d: Buffer) => {
      out.push(String(d));
      if (String(d).includes('serving')) {
        clearTimeout(t);
        resolve();
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (d: Buffer) => out.push(String(d)));
    proc.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`worker exited with ${code}:\n${out.join('')}`));
    });
  });
  proc.removeAllListeners('exit');
  return w;
}

async function stopWorker(w: { proc: ChildProcess }): Promise<void> {
  if (w.proc.exitCode !== null || w.proc.signalCode !== null) return;
  await new Promise<void>((r) => {
    w.proc.once('exit', () => r());
    w.proc.kill('SIGTERM');
    setTimeout(() => w.proc.kill('SIGKILL'), 15_000).unref();
  });
}

async function waitFor<T>(fn: () => Promise<T>, pred: (v: T) => boolean, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (pred(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 600)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function finished(runId: string, ms = 60_000) {
  const svc = await import('@/server/loadtest/service');
  return waitFor(() => svc.getRun(actor('viewer'), runId), (r) => r.finished, ms, `run ${runId} to finish`);
}

async function shardRows(runId: string) {
  const { db } = await import('@/server/db');
  return db().loadRunShard.findMany({ where: { runId }, orderBy: { index: 'asc' } });
}

/** Percentiles recomputed from the union of the shards' own cumulative histograms (what each shard measured). */
async function unionOfShards(runId: string) {
  const { mergeHistograms, summarizeHistogram } = await import('@/server/loadtest/histogram');
  const rows = await shardRows(runId);
  return summarizeHistogram(mergeHistograms(rows.map((r) => r.hist!)));
}

beforeAll(async () => {
  tdb = await createTestDatabase('ltdist');
  prefix = useTestEnv(tdb);
  // Deterministic target: /fast answers at once, /slow after 3 ms; keep-alive, tiny bodies.
  server = http.createServer((req, res) => {
    const send = () => res.writeHead(200, { 'content-type': 'application/json', 'content-length': '11' }).end('{"ok":true}');
    if (req.url?.startsWith('/slow')) setTimeout(send, 3);
    else send();
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { db } = await import('@/server/db');
  for (const r of ['viewer', 'operator', 'admin'] as const) await db().user.create({ data: { id: `${r}-id`, email: `${r}@t.local`, name: r, role: r } });
  targetId = (await db().target.create({ data: { id: 'target-1', name: 'Local deterministic', baseUrl } })).id;
  const svc = await import('@/server/loadtest/service');
  const s = await svc.createScenario(actor('operator'), {
    targetId,
    name: 'two endpoints',
    spec: {
      endpoints: [
        { name: 'fast', method: 'GET', path: '/fast?x=1', weight: 3 },
        { name: 'slow', method: 'GET', path: '/slow', weight: 1 },
      ],
      model: { kind: 'open', rate: RATE },
      durationSec: DURATION,
      timeoutMs: 2000,
      maxConnections: 60,
      assertions: [{ metric: 'errorRate', op: '<', value: 0.01 }],
    },
  });
  scenarioId = s.id;
}, 120_000);

afterAll(async () => {
  await Promise.all(workers.map(stopWorker));
  await new Promise<void>((r) => server?.close(() => r()));
  const { db } = await import('@/server/db');
  const { closeQueues } = await import('@/server/jobs/queues');
  await closeQueues();
  await db().$disconnect();
  const { Redis } = await import('ioredis');
  const r = new Redis(TEST_REDIS_URL);
  let cursor = '0';
  do {
    const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    if (keys.length) await r.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  r.disconnect();
  await tdb?.drop();
}, 60_000);

describe('launch policy (no worker needed)', () => {
  it('refuses viewers, caps and off-target paths with a clear 403, and audits each refusal', async () => {
    const svc = await import('@/server/loadtest/service');
    const { db } = await import('@/server/db');
    await expect(svc.launchRun(actor('viewer'), scenarioId)).rejects.toMatchObject({ status: 403, message: expect.stringMatching(/needs the operator role/) });
    const big = await svc.createScenario(actor('operator'), {
      targetId,
      name: 'too big for an operator',
      spec: { endpoints: [{ name: 'a', method: 'GET', path: '/fast', weight: 1 }], model: { kind: 'open', rate: 800 }, durationSec: 900, timeoutMs: 1000, maxConnections: 100 },
    });
    await expect(svc.launchRun(actor('operator'), big.id, { shards: 2 })).rejects.toMatchObject({
      status: 403,
      message: 'Refused: this scenario peaks at 800 req/s; the operator role may run at most 500 req/s; this scenario lasts 15 min; the operator role may run at most 10 min.',
    });
    await expect(svc.launchRun(actor('operator'), scenarioId, { shards: 9 })).rejects.toMatchObject({ status: 403, message: expect.stringMatching(/9 shards requested/) });
    await expect(svc.launchRun(actor('operator'), scenarioId, { shards: 0 })).rejects.toMatchObject({ status: 400 });
    // A path that would leave the target is refused when saving…
    await expect(
      svc.createScenario(actor('operator'), {
        targetId,
        name: 'escape',
        spec: { endpoints: [{ name: 'a', method: 'GET', path: '//evil.example/x', weight: 1 }], model: { kind: 'open', rate: 1 }, durationSec: 1, timeoutMs: 1000, maxConnections: 1 },
      }),
    ).rejects.toMatchObject({ status: 400, fieldErrors: { 'endpoints.0.path': expect.stringMatching(/requests only go to 127\.0\.0\.1/) } });
    // …and, if it got into the database some other way, refused at launch too.
    await db().scenario.update({ where: { id: big.id }, data: { spec: { endpoints: [{ name: 'a', method: 'GET', path: '//evil.example/x', weight: 1 }], model: { kind: 'open', rate: 1 }, durationSec: 1, timeoutMs: 1000, maxConnections: 1 } } });
    await expect(svc.launchRun(actor('admin'), big.id)).rejects.toMatchObject({ status: 403, message: expect.stringMatching(/requests may only go to the registered target 127\.0\.0\.1/) });
    const refusals = await db().auditLog.findMany({ where: { action: 'loadtest.launch.refused' }, orderBy: { id: 'asc' } });
    expect(refusals.map((r) => r.actorEmail)).toEqual(['viewer@t.local', 'operator@t.local', 'operator@t.local', 'admin@t.local']);
    expect(await db().loadRun.count()).toBe(0);
    // Validation explains each rejected field of a spec.
    await expect(
      svc.createScenario(actor('operator'), { targetId, name: 'bad', spec: { endpoints: [{ name: 'a', method: 'GET', path: 'nope', weight: 0 }], model: { kind: 'open', rate: -1 }, durationSec: 5, timeoutMs: 1000, maxConnections: 1 } }),
    ).rejects.toMatchObject({
      status: 400,
      fieldErrors: {
        'endpoints.0.path': 'path must start with "/" (it is appended to the target base URL)',
        'endpoints.0.weight': 'weight must be a whole number ≥ 1',
        'model.rate': 'rate (requests per second) must be greater than 0',
      },
    });
  });
});

describe('distributed runs on worker processes', () => {
  let oneShard: Awaited<ReturnType<typeof finished>>;

  it('one worker process, one shard: exact schedule, merged seconds, summary = the shard histogram', async () => {
    await spawnWorker();
    const svc = await import('@/server/loadtest/service');
    const launched = await svc.launchRun(actor('operator'), scenarioId, { shards: 1 });
    expect(launched.status).toBe('queued');
    // One run per target at a time.
    await expect(svc.launchRun(actor('operator'), scenarioId)).rejects.toMatchObject({ status: 409 });
    const run = await finished(launched.id);
    expect(run.status, run.error ?? '').toBe('passed');
    expect(run.summary!.requests).toBeGreaterThanOrEqual(RATE * DURATION * 0.99);
    expect(run.summary!.requests).toBeLessThanOrEqual(RATE * DURATION);
    expect(run.summary!.failed).toBe(0);
    expect(run.summary!.byEndpoint.fast.requests + run.summary!.byEndpoint.slow.requests).toBe(run.summary!.requests);
    expect(run.lastSecond).toBe(DURATION - 1);
    const seconds = await svc.getRunSeconds(actor('viewer'), run.id);
    expect(seconds.map((s) => s.second)).toEqual([0, 1, 2, 3, 4]);
    expect(seconds.reduce((n, s) => n + s.requests, 0)).toBe(run.summary!.requests);
    expect(run.summary!.responseTimeMs).toEqual(await unionOfShards(run.id));
    const shards = await shardRows(run.id);
    expect(shards.map((s) => s.status)).toEqual(['done']);
    expect(run.assertions!.map((a) => a.passed)).toEqual([true]);
    oneShard = run;
  }, 120_000);

  it('two worker processes, two shards at the same total rate: counts within 1%, percentiles equal the union', async () => {
    const svc = await import('@/server/loadtest/service');
    // Pin the one-shard run as the baseline: the two-shard run is then compared with it.
    await svc.pinBaseline(actor('operator'), oneShard.id);
    const launched = await svc.launchRun(actor('operator'), scenarioId, { shards: 2 });
    // The first process (two slots) takes the coordinator and shard 0; shard 1 waits in the queue until a second
    // process starts and picks it up. The common start is only set once both shards have said hello.
    await waitFor(() => shardRows(launched.id), (rows) => rows.length === 2 && rows.some((r) => r.workerId !== null), 30_000, 'shard 0 picked up');
    expect((await shardRows(launched.id)).filter((r) => r.workerId !== null)).toHaveLength(1);
    await spawnWorker();
    const run = await finished(launched.id);
    expect(run.status, run.error ?? '').toBe('passed');
    const a = oneShard.summary!.requests;
    const b = run.summary!.requests;
    expect(Math.abs(a - b) / a).toBeLessThanOrEqual(0.01);
    const shards = await shardRows(run.id);
    expect(shards.map((s) => s.status)).toEqual(['done', 'done']);
    expect(shards[0].requests + shards[1].requests).toBe(b);
    // The union of what each shard measured, merged independently, is exactly what the coordinator stored.
    expect(run.summary!.responseTimeMs).toEqual(await unionOfShards(run.id));
    const { mergeHistograms, summarizeHistogram } = await import('@/server/loadtest/histogram');
    const { db } = await import('@/server/db');
    const rows = await db().loadRunSecond.findMany({ where: { runId: run.id }, orderBy: { second: 'asc' } });
    expect(rows.every((r) => r.shardsReported === 2)).toBe(true);
    expect(summarizeHistogram(mergeHistograms(rows.map((r) => r.hist)))).toEqual(run.summary!.responseTimeMs);
    // Each second's stored p95 is the p95 of that second's merged histogram, not an average of the shards'.
    for (const r of rows) expect(r.p95Ms).toBe(summarizeHistogram(r.hist).p95);
    const pids = new Set(shards.map((s) => s.workerId!.split('-').at(-2)));
    console.log(`[ltdist] two-shard run: shards on ${[...pids].join(' and ')}; ${b} vs ${a} requests; p95 ${run.summary!.responseTimeMs.p95} ms`);
    expect(pids.size).toBe(2);
    expect(run.verdict?.baselineRunId).toBe(oneShard.id);
    expect(run.verdict?.endpoints.map((e) => e.endpoint)).toEqual(['fast', 'slow']);
  }, 120_000);

  it('stop from the console: the shards stop, the run ends "stopped" with the seconds measured so far', async () => {
    const svc = await import('@/server/loadtest/service');
    const { db } = await import('@/server/db');
    const long = await svc.createScenario(actor('operator'), {
      targetId,
      name: 'long',
      spec: { endpoints: [{ name: 'fast', method: 'GET', path: '/fast', weight: 1 }], model: { kind: 'open', rate: 50 }, durationSec: 60, timeoutMs: 1000, maxConnections: 20 },
    });
    const launched = await svc.launchRun(actor('operator'), long.id, { shards: 2 });
    await waitFor(() => svc.getRun(actor('viewer'), launched.id), (r) => r.lastSecond >= 2, 60_000, 'three merged seconds');
    await expect(svc.stopRun(actor('viewer'), launched.id)).rejects.toMatchObject({ status: 403 });
    await svc.stopRun(actor('operator'), launched.id);
    const run = await finished(launched.id, 20_000);
    expect(run.status).toBe('stopped');
    expect(run.lastSecond).toBeGreaterThanOrEqual(2);
    expect(run.lastSecond).toBeLessThan(30);
    expect(run.summary!.requests).toBe((await shardRows(run.id)).reduce((n, s) => n + s.requests, 0));
    expect(await db().auditLog.count({ where: { action: 'loadtest.stop', entityId: run.id } })).toBe(1);
    await expect(svc.stopRun(actor('operator'), run.id)).rejects.toMatchObject({ status: 409 });
  }, 120_000);

  it('abort-on-fail: a failing assertion on the merged histograms stops every shard and fails the run', async () => {
    const svc = await import('@/server/loadtest/service');
    const strict = await svc.createScenario(actor('operator'), {
      targetId,
      name: 'strict',
      spec: {
        endpoints: [{ name: 'slow', method: 'GET', path: '/slow', weight: 1 }],
        model: { kind: 'open', rate: 60 },
        durationSec: 40,
        timeoutMs: 1000,
        maxConnections: 20,
        assertions: [{ metric: 'p95', op: '<', value: 1, abortOnFail: true }],
      },
    });
    const launched = await svc.launchRun(actor('operator'), strict.id, { shards: 2 });
    const run = await finished(launched.id, 60_000);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/^aborted: p95 < 1 ms: failed \(actual \d/);
    // Judged after the 5 s grace (k6's delayAbortEval), long before the 40 s end.
    expect(run.lastSecond).toBeGreaterThanOrEqual(4);
    expect(run.lastSecond).toBeLessThan(20);
    expect(run.assertions!.map((a) => a.passed)).toEqual([false]);
  }, 120_000);

  it('kill -9 of a worker mid-run: the run ends partial within 30 s with the seconds recorded up to then', async () => {
    const svc = await import('@/server/loadtest/service');
    const { db } = await import('@/server/db');
    const long = (await svc.listScenarios(actor('viewer'), { targetId, name: 'long' }))[0];
    const launched = await svc.launchRun(actor('operator'), long.id, { shards: 2 });
    const running = await waitFor(() => svc.getRun(actor('viewer'), launched.id), (r) => r.lastSecond >= 3 && r.shards.every((s) => s.workerId), 60_000, 'four merged seconds');
    // Kill a process that runs a shard but not the coordinator (with two slots per process, the one without the
    // coordinator always runs at least one shard): the coordinator must notice the silence.
    const pidOf = (workerId: string) => Number(workerId.split('-').at(-2));
    const coordinator = await db().jobRecord.findUniqueOrThrow({ where: { id: (await db().loadRun.findUniqueOrThrow({ where: { id: launched.id } })).jobId! } });
    const victimShard = running.shards.find((s) => pidOf(s.workerId!) !== pidOf(coordinator.workerId!))!;
    const victim = workers.find((w) => w.proc.pid === pidOf(victimShard.workerId!));
    expect(victim, `worker ${victimShard.workerId} is one of ours`).toBeDefined();
    const killedAt = Date.now();
    victim!.proc.kill('SIGKILL');
    // The requirement itself: finished (partial or failed) within 30 s of the kill, or this wait fails the test.
    const run = await finished(launched.id, 30_000);
    console.log(`[ltdist] killed ${victim!.proc.pid} (shard ${victimShard.index}); run ${run.status} after ${Date.now() - killedAt} ms: ${run.error}`);
    expect(run.status).toBe('partial');
    expect(run.error).toMatch(new RegExp(`shard ${victimShard.index} \\(worker .*\\) stopped reporting after second \\d+`));
    expect(run.shards.find((s) => s.index === victimShard.index)!.status).toBe('lost');
    const stored = await db().loadRunSecond.count({ where: { runId: run.id } });
    expect(stored).toBeGreaterThanOrEqual(4);
    expect(run.summary!.requests).toBeGreaterThan(0);
    expect(run.lastSecond).toBeGreaterThanOrEqual(3);
    expect(run.lastSecond).toBeLessThan(59);
  }, 120_000);

  it("kill -9 of the coordinator's worker: the surviving shard (or a sweep) ends the run partial within 30 s", async () => {
    await spawnWorker(); // back to two live worker processes
    const svc = await import('@/server/loadtest/service');
    const { db } = await import('@/server/db');
    const long = (await svc.listScenarios(actor('viewer'), { targetId, name: 'long' }))[0];
    const launched = await svc.launchRun(actor('operator'), long.id, { shards: 2 });
    await waitFor(() => svc.getRun(actor('viewer'), launched.id), (r) => r.lastSecond >= 3, 60_000, 'four merged seconds');
    const job = await db().jobRecord.findUniqueOrThrow({ where: { id: (await db().loadRun.findUniqueOrThrow({ where: { id: launched.id } })).jobId! } });
    const victimPid = Number(job.workerId!.split('-').at(-2));
    const victim = workers.find((w) => w.proc.pid === victimPid && w.proc.exitCode === null && w.proc.signalCode === null);
    expect(victim, `coordinator worker ${victimPid} is one of ours`).toBeDefined();
    const killedAt = Date.now();
    victim!.proc.kill('SIGKILL');
    const run = await finished(launched.id, 30_000);
    console.log(`[ltdist] killed the coordinator's worker ${victimPid}; run ${run.status} after ${Date.now() - killedAt} ms: ${run.error}`);
    expect(run.status).toBe('partial');
    expect(run.error).toMatch(/coordinator/);
    expect(run.summary!.requests).toBeGreaterThan(0);
    expect(await db().loadRunSecond.count({ where: { runId: run.id } })).toBeGreaterThanOrEqual(4);
    // Nothing of the run is left "running".
    expect((await shardRows(run.id)).map((s) => s.status).filter((st) => st === 'running' || st === 'queued')).toEqual([]);
  }, 120_000);
});

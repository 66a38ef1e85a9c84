// The coordinator of a distributed run (the loadtest.coordinate job) and the one place a run is finalised.
//
// It enqueues one loadtest.shard job per shard (any worker process on any machine may take them), waits until every
// shard has said hello, publishes a common start time a moment ahead, then reads the shards' per-second snapshots from
// the run's Redis stream, merges each second once every live shard has sent it (HDR merge, never averaged
// percentiles), stores it, judges abortOnFail assertions on the cumulative merge and keeps the run's progress, stage
// and heartbeat current. A shard that goes silent (its worker died) or is never picked up is marked lost: the others are
// told to stop and the run ends `partial` with everything merged up to then. If the coordinator itself dies, the shards
// notice its liveness key expire and finalise the run from the stored seconds; a worker's sweep (reapStaleRuns) and
// the job layer's onAbandon are the backstops.
import { randomUUID } from 'node:crypto';
import type { Prisma } from '@/prisma/generated/client';
import { db } from '../db';
import { NotFoundError } from '../errors';
import { enqueue } from '../jobs/enqueue';
import { getQueue } from '../jobs/queues';
import { createRedis } from '../redis';
import { evaluateAssertions, evaluateLive } from './assertions';
import { beatCoordinator, closeRunKeys, getControl, readEvents, setControl, setStart } from './channel';
import { DEFAULT_LIVENESS, RunCollector, type LivenessOptions, type ShardStatus } from './collector';
import { mergeSecond, mergedToSnapshot, RunAccumulator, type MergedSecond, type RunSummary } from './merge';
import { progressAfter, stageAt } from './progress';
import * as repo from './repo';
import { scenarioSpecSchema, type ScenarioSpec, type SecondSnapshot } from './schema';
import type { ControlSignal, RunStatus } from './types';
import { compareWithBaseline, type RunVerdict } from './verdict';

export interface CoordinatorContext {
  workerId: string;
  /** The worker is shutting down: stop the run (it ends partial). */
  signal: AbortSignal;
  progress(fraction: number, message?: string): Promise<void>;
}

export interface CoordinatorOptions {
  liveness?: LivenessOptions;
  /** How far ahead of "every shard is ready" the common start is set. */
  startLeadMs?: number;
  /** After telling the shards to stop, how long to wait for their last snapshots before giving up on them. */
  stopGraceMs?: number;
}

const START_LEAD_MS = 1_500;
const STOP_GRACE_MS = 10_000;
const SHARD_ENQUEUE_GAP_MS = 150;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function coordinateRun(runId: string, ctx: CoordinatorContext, opts: CoordinatorOptions = {}): Promise<{ status: RunStatus }> {
  const row = await repo.findRunRow(runId);
  if (!row) throw new NotFoundError('Load run');
  // Stopped while it waited in the queue, or a second delivery of the job: nothing to do.
  if (row.status !== 'queued') return { status: row.status as RunStatus };
  const parsed = scenarioSpecSchema.safeParse(row.spec);
  if (!parsed.success) {
    return { status: await finalizeRun(runId, { status: 'failed', error: `the stored spec is not valid any more: ${parsed.error.issues[0]?.message}` }) };
  }
  const spec = parsed.data;
  const liveness = opts.liveness ?? DEFAULT_LIVENESS;
  const reader = createRedis('bullmq'); // XREAD BLOCK needs its own connection
  const writer = createRedis('bullmq');
  try {
    const early = await getControl(writer, runId);
    if (early) return { status: await finalizeRun(runId, { status: early.signal === 'abort' ? 'aborted' : 'stopped', error: null }) };
    if (!(await repo.transitionRun(runId, ['queued'], { status: 'running', startedAt: new Date(), heartbeatAt: new Date(), stage: 'waiting for workers to pick up the shards', progress: 0 }))) {
      return { status: ((await repo.findRunRow(runId))?.status ?? 'failed') as RunStatus };
    }
    await beatCoordinator(writer, runId);
    return await coordinate(runId, spec, row.shardCount, ctx, { liveness, startLeadMs: opts.startLeadMs ?? START_LEAD_MS, stopGraceMs: opts.stopGraceMs ?? STOP_GRACE_MS }, reader, writer);
  } catch (err) {
    // Never leave the run "running" behind an exception: tell the shards and finalise with what was stored.
    await setControl(writer, runId, 'fail', 'coordinator error').catch(() => {});
    await finalizeRun(runId, { status: 'failed', error: `coordinator error: ${(err as Error).message}` }).catch(() => {});
    throw err;
  } finally {
    await closeRunKeys(writer, runId).catch(() => {});
    reader.disconnect();
    writer.disconnect();
  }
}

async function coordinate(
  runId: string,
  spec: ScenarioSpec,
  shardCount: number,
  ctx: CoordinatorContext,
  opts: Required<CoordinatorOptions>,
  reader: ReturnType<typeof createRedis>,
  writer: ReturnType<typeof createRedis>,
): Promise<{ status: RunStatus }> {
  const jobIds = Array.from({ length: shardCount }, () => randomUUID());
  await repo.createShards(runId, jobIds);
  const collector = new RunCollector(shardCount, Date.now(), opts.liveness);
  for (let i = 0; i < shardCount; i++) {
    await enqueue('loadtest.shard', { runId, index: i, count: shardCount }, { jobId: jobIds[i] });
    // A small gap lets idle workers on other processes take the next shard (Redis serves blocked pops in order).
    if (i < shardCount - 1) await sleep(SHARD_ENQUEUE_GAP_MS);
  }

  const acc = new RunAccumulator(spec.endpoints.map((e) => e.name));
  let lastId = '0-0';
  let startAt: number | null = null;
  let stopAt: number | null = null;
  let lastBeat = 0;
  let lastControlCheck = 0;
  let lastDbBeat = Date.now();
  let user: { signal: ControlSignal; reason: string } | null = null;
  const lostReasons: string[] = [];
  let shardError: string | null = null;
  let liveFailure: string | null = null;
  let shuttingDown = false;
  let firstIncomplete: number | null = null;

  const stopShards = async (signal: ControlSignal, reason: string) => {
    await setControl(writer, runId, signal, reason);
    stopAt ??= Date.now();
  };

  const flush = async (groups: SecondSnapshot[][], judgeLive: boolean) => {
    if (!groups.length) return;
    const merged: MergedSecond[] = groups.map((g) => mergeSecond(g));
    for (const m of merged) {
      acc.add(m);
      if (m.shardsReported < shardCount && firstIncomplete === null) firstIncomplete = m.second;
    }
    await repo.insertSeconds(runId, merged);
    const last = merged[merged.length - 1].second;
    const elapsed = last + 1;
    const summary = acc.assertionSummary(elapsed);
    if (judgeLive && !liveFailure && !stopAt) {
      const live = evaluateLive(spec.assertions, summary);
      if (live.abort) {
        liveFailure = live.reason;
        await stopShards('fail', live.reason ?? 'assertion failed');
      }
    }
    const progress = progressAfter(spec, last);
    const stage = stageAt(spec, elapsed).label;
    await repo.updateRun(runId, {
      lastSecond: last,
      progress,
      stage: stopAt ? 'stopping' : stage,
      heartbeatAt: new Date(),
      summary: acc.summary(elapsed) as unknown as Prisma.InputJsonValue,
      assertionResults: evaluateAssertions(spec.assertions, summary) as unknown as Prisma.InputJsonValue,
    });
    lastDbBeat = Date.now();
    if (last % 5 === 0) {
      for (const s of collector.shards) if (s.lastSecond >= 0) await repo.updateShard(runId, s.index, { lastSecond: s.lastSecond });
    }
    await ctx.progress(progress, stage).catch(() => {});
  };

  while (!collector.allFinished) {
    const now = Date.now();
    if (now - lastBeat >= 1000) {
      await beatCoordinator(writer, runId);
      lastBeat = now;
    }
    if (ctx.signal.aborted && !shuttingDown) {
      shuttingDown = true;
      await stopShards('lost', "the coordinator's worker is shutting down");
    }
    if (now - lastControlCheck >= 500 && !user) {
      lastControlCheck = now;
      const c = await getControl(writer, runId);
      if (c && (c.signal === 'stop' || c.signal === 'abort')) {
        user = c;
        stopAt ??= now;
      }
    }
    for (const s of collector.checkLiveness(now)) {
      if (s.reason) lostReasons.push(s.reason);
      await stopShards('lost', s.reason ?? 'a shard was lost');
    }
    if (startAt === null && collector.allPickedUp && !stopAt) {
      startAt = Date.now() + opts.startLeadMs;
      await setStart(writer, runId, startAt);
      await repo.updateRun(runId, { startAt: new Date(startAt), stage: `starting (${shardCount} shard${shardCount > 1 ? 's' : ''} ready)`, heartbeatAt: new Date() });
      lastDbBeat = Date.now();
    }
    // After a stop, shards nobody has picked up yet will never start: stop waiting for them (not a failure).
    if (stopAt !== null) {
      for (const s of collector.shards) if (s.state === 'waiting') collector.markLost(s.index, `shard ${s.index} never started: the run was stopped first`);
    }
    // Shards that do not answer a stop in time, or a run far past its end, are given up on.
    const overdue = startAt !== null && now > startAt + spec.durationSec * 1000 + spec.timeoutMs + 30_000;
    if ((stopAt !== null && now - stopAt > opts.stopGraceMs) || overdue) {
      for (const s of collector.shards) {
        if (s.state === 'running' || s.state === 'waiting') {
          collector.markLost(s.index, `shard ${s.index} did not finish ${overdue ? 'by the end of the run' : 'after being told to stop'}`);
          const why = collector.shards[s.index].reason;
          if (why) lostReasons.push(why);
        }
      }
      break;
    }

    const { lastId: id, messages } = await readEvents(reader, runId, lastId, 500);
    lastId = id;
    const at = Date.now();
    for (const m of messages) {
      if (m.type === 'hello') {
        collector.hello(m.shard, m.workerId, at);
      } else if (m.type === 'beat') collector.heard(m.shard, at);
      else if (m.type === 'second') collector.snapshot(m.snapshot, at);
      else {
        collector.done(m.shard, m.outcome, at);
        if (m.outcome.error && !shardError) {
          shardError = `shard ${m.shard}: ${m.outcome.error}`;
          await stopShards('fail', shardError);
        }
      }
    }
    const ready = collector.takeReady();
    if (ready.length) await flush(ready, true);
    else if (Date.now() - lastDbBeat > 2000) {
      await repo.updateRun(runId, { heartbeatAt: new Date(), ...(stopAt ? { stage: 'stopping' } : {}) });
      lastDbBeat = Date.now();
    }
  }
  await flush(collector.takeRemaining(), false);
  // The shards may have seen a user's stop and finished before this loop polled the key: look once more.
  if (!user) {
    const c = await getControl(writer, runId);
    if (c && (c.signal === 'stop' || c.signal === 'abort')) user = c;
  }

  const elapsedSec = Math.max(0, ...collector.shards.map((s) => s.outcome?.elapsedSec ?? 0)) || acc.lastSecond + 1;
  let status: RunStatus | 'judge';
  let error: string | null = null;
  const lostReason = lostReasons.length ? lostReasons.join('; ') : null;
  if (lostReason || shuttingDown) {
    status = acc.seconds > 0 ? 'partial' : 'failed';
    error = lostReason ?? "the coordinator's worker shut down during the run";
    if (acc.seconds > 0) {
      error +=
        firstIncomplete === null || firstIncomplete > acc.lastSecond
          ? `; seconds 0–${acc.lastSecond} were recorded`
          : `; seconds 0–${acc.lastSecond} were recorded${firstIncomplete > 0 ? ` (0–${firstIncomplete - 1} from every shard, later ones` : ' (all'} from the shards still running)`;
    }
  } else if (shardError) {
    status = 'failed';
    error = shardError;
  } else if (user) {
    status = user.signal === 'abort' ? 'aborted' : 'stopped';
  } else if (liveFailure) {
    status = 'failed';
    error = liveFailure;
  } else status = 'judge';
  const final = await finalizeRun(runId, { status, error, elapsedSec, shards: collector.shards });
  await removeUnclaimedShardJobs(collector.shards, runId);
  return { status: final };
}

/** Shard jobs still waiting in the queue when the run is over: take them out and close their job records. */
async function removeUnclaimedShardJobs(shards: readonly ShardStatus[], runId: string): Promise<void> {
  const waiting = shards.filter((s) => s.workerId === null);
  if (!waiting.length) return;
  const rows = await db().loadRunShard.findMany({ where: { runId, index: { in: waiting.map((s) => s.index) } } });
  for (const r of rows) {
    if (!r.jobId) continue;
    await getQueue('loadtest')
      .getJob(r.jobId)
      .then((j) => j?.remove())
      .catch(() => {});
    await db()
      .jobRecord.updateMany({ where: { id: r.jobId, status: 'queued' }, data: { status: 'failed', error: 'not picked up before the run ended', finishedAt: new Date() } })
      .catch(() => {});
  }
}

export interface FinalizeOptions {
  /** 'judge': passed or failed by the final assertions; 'partial': partial, or failed when nothing was recorded. */
  status: RunStatus | 'judge';
  error: string | null;
  /** Seconds from the start until the last response (for rps); default: the number of seconds stored. */
  elapsedSec?: number;
  shards?: readonly ShardStatus[];
}

/**
 * Finalise a run from its stored seconds: summary, final assertions, verdict against the scenario's baseline, status.
 * Idempotent and race-safe: only the call that moves the run out of queued/running writes anything. Returns the
 * run's status afterwards.
 */
export async function finalizeRun(runId: string, opts: FinalizeOptions): Promise<RunStatus> {
  const row = await repo.findRunRow(runId);
  if (!row) throw new NotFoundError('Load run');
  if (row.status !== 'queued' && row.status !== 'running') return row.status as RunStatus;
  const parsed = scenarioSpecSchema.safeParse(row.spec);
  const seconds = await repo.findSeconds(runId);
  const names = parsed.success ? parsed.data.endpoints.map((e) => e.name) : [];
  const acc = new RunAccumulator(names);
  for (const s of seconds) acc.add(s);
  const elapsedSec = opts.elapsedSec && opts.elapsedSec > 0 ? opts.elapsedSec : acc.lastSecond + 1;
  const summary = acc.seconds > 0 ? acc.summary(elapsedSec) : null;
  const assertions = parsed.success && summary ? evaluateAssertions(parsed.data.assertions, acc.assertionSummary(elapsedSec)) : [];
  let status: RunStatus;
  if (opts.status === 'judge') status = assertions.every((a) => a.passed) ? 'passed' : 'failed';
  else if (opts.status === 'partial') status = acc.seconds > 0 ? 'partial' : 'failed';
  else status = opts.status;
  let error = opts.error;
  if (opts.status === 'judge' && status === 'failed') error = assertions.filter((a) => !a.passed).map((a) => a.message).join('; ');

  let verdict: RunVerdict | null = null;
  let baselineRunId: string | null = null;
  const baseId = row.scenario.baselineRunId;
  if (summary && baseId && baseId !== runId) {
    const base = await db().loadRun.findUnique({ where: { id: baseId } });
    const baseSeconds = base ? await repo.findSeconds(baseId) : [];
    if (base?.summary && baseSeconds.length) {
      // Rebuilt from the baseline's stored seconds (exact), with its own elapsed time so its rps matches what it showed.
      const baseAcc = new RunAccumulator();
      for (const s of baseSeconds) baseAcc.add(s);
      const baseElapsed = (base.summary as unknown as RunSummary).elapsedSec || baseAcc.lastSecond + 1;
      verdict = compareWithBaseline(
        { seconds: seconds.map(mergedToSnapshot), summary },
        { id: baseId, seconds: baseSeconds.map(mergedToSnapshot), summary: baseAcc.summary(baseElapsed) },
      );
      baselineRunId = baseId;
    }
  }

  const lastSecond = acc.seconds > 0 ? acc.lastSecond : row.lastSecond;
  return db().$transaction(async (tx) => {
    const moved = await repo.transitionRun(
      runId,
      ['queued', 'running'],
      {
        status,
        error: error ? error.slice(0, 2000) : null,
        finishedAt: new Date(),
        heartbeatAt: new Date(),
        progress: opts.status === 'judge' ? 1 : row.progress,
        lastSecond,
        stage: null,
        summary: (summary ?? undefined) as unknown as Prisma.InputJsonValue | undefined,
        assertionResults: assertions as unknown as Prisma.InputJsonValue,
        verdict: (verdict ?? undefined) as unknown as Prisma.InputJsonValue | undefined,
        baselineRunId,
      },
      tx,
    );
    if (!moved) return ((await repo.findRunRow(runId, tx))?.status ?? status) as RunStatus;
    for (const s of opts.shards ?? []) {
      await repo.updateShard(
        runId,
        s.index,
        {
          lastSecond: s.lastSecond,
          ...(s.state === 'lost' ? { status: 'lost', error: s.reason, finishedAt: new Date() } : {}),
          ...(s.state === 'waiting' ? { status: 'failed', error: s.reason ?? 'not picked up', finishedAt: new Date() } : {}),
        },
        tx,
      );
    }
    // Shards nobody reported on (the coordinator died): whatever is still running is lost with the run.
    await tx.loadRunShard.updateMany({ where: { runId, status: { in: ['queued', 'running'] } }, data: { status: status === 'partial' || status === 'failed' ? 'lost' : 'done', finishedAt: new Date() } });
    return status;
  });
}

/**
 * A run whose coordinator stopped beating (its worker died) is finalised from what was stored, and its shards are
 * told to stop. Called by every worker's periodic sweep, by shards that notice the coordinator is gone, and by the
 * job layer's onAbandon. Returns the ids it finalised.
 */
export async function reapStaleRuns(olderThanMs = 10_000): Promise<string[]> {
  const cutoff = new Date(Date.now() - olderThanMs);
  const stale = await db().loadRun.findMany({
    where: { status: 'running', OR: [{ heartbeatAt: { lt: cutoff } }, { heartbeatAt: null, startedAt: { lt: cutoff } }] },
    select: { id: true, heartbeatAt: true },
    take: 50,
  });
  // Queued runs whose coordinator job failed or was abandoned before it could start them.
  const orphanedQueued = await db().loadRun.findMany({ where: { status: 'queued', createdAt: { lt: cutoff }, jobId: { not: null } }, select: { id: true, jobId: true }, take: 50 });
  const deadJobs = orphanedQueued.length
    ? new Set(
        (await db().jobRecord.findMany({ where: { id: { in: orphanedQueued.map((r) => r.jobId!) }, status: { in: ['failed', 'abandoned'] } }, select: { id: true } })).map((j) => j.id),
      )
    : new Set<string>();
  const done: string[] = [];
  for (const r of stale) {
    const status = await orphanRun(r.id, `the coordinator stopped reporting${r.heartbeatAt ? ` at ${r.heartbeatAt.toISOString()}` : ''} (its worker died?)`);
    if (status) done.push(r.id);
  }
  for (const r of orphanedQueued.filter((q) => deadJobs.has(q.jobId!))) {
    if (await repo.transitionRun(r.id, ['queued'], { status: 'failed', error: 'the coordinator job failed before the run started', finishedAt: new Date() })) done.push(r.id);
  }
  return done;
}

/** Finalise a run whose coordinator is gone: partial with the stored seconds (failed when there are none). */
export async function orphanRun(runId: string, reason: string): Promise<RunStatus | null> {
  const redis = createRedis('bullmq');
  try {
    await setControl(redis, runId, 'lost', reason).catch(() => {});
  } finally {
    redis.disconnect();
  }
  const before = await repo.findRunRow(runId);
  if (!before || (before.status !== 'running' && before.status !== 'queued')) return null;
  const seconds = await db().loadRunSecond.count({ where: { runId } });
  const status = await finalizeRun(runId, { status: 'partial', error: seconds ? `${reason}; seconds 0–${before.lastSecond} were recorded` : reason });
  return status;
}

// One shard of a run (the loadtest.shard job): say hello, wait for the common start, run the engine on this shard's
// exact share (splitShard inside runLoad) and stream a snapshot per second to the coordinator, beating every second so
// the coordinator can tell a dead worker from a quiet one. Stops when the control key appears (user stop, abort-on-
// fail, a lost sibling) and when the coordinator's liveness key expires (then it finalises the run itself from what
// was stored, so a dead coordinator never leaves a run "running").
import { hostname } from 'node:os';
import { createRedis } from '../redis';
import { publish, readShardView } from './channel';
import { orphanRun } from './coordinator';
import { runLoad } from './engine';
import { EMPTY_HISTOGRAM } from './histogram';
import { checkAllowList } from './limits';
import * as repo from './repo';
import { describeSpecErrors, scenarioSpecSchema } from './schema';
import type { ShardOutcome } from './collector';
import { isFinished, type ShardMessage } from './types';

export interface ShardContext {
  workerId: string;
  /** The worker is shutting down. */
  signal: AbortSignal;
}

export interface ShardJobResult {
  runId: string;
  index: number;
  requests: number;
  aborted: boolean;
  abortReason: string | null;
  error: string | null;
}

/** Longest a picked-up shard waits for the start signal (the coordinator gives up on unpicked shards sooner). */
const START_WAIT_MS = 120_000;
/** Consecutive control polls (250 ms apart) without the coordinator's liveness key before a shard gives up on it. */
const COORDINATOR_MISSES = 8;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function emptyOutcome(over: Partial<ShardOutcome>): ShardOutcome {
  return { requests: 0, failed: 0, elapsedSec: 0, aborted: true, abortReason: null, error: null, hist: EMPTY_HISTOGRAM, svcHist: EMPTY_HISTOGRAM, dropped: 0, lateStarts: 0, ...over };
}

export async function runShard(payload: { runId: string; index: number; count: number }, ctx: ShardContext): Promise<ShardJobResult> {
  const { runId, index, count } = payload;
  const base: ShardJobResult = { runId, index, requests: 0, aborted: true, abortReason: null, error: null };
  const run = await repo.findRunRow(runId);
  if (!run || isFinished(run.status)) return { ...base, abortReason: 'the run was over before this shard started' };

  const redis = createRedis('bullmq');
  // Commands on one connection are sent in order, so fire-and-forget snapshots still reach the stream in order, and
  // before the awaited "done". A failed publish is not retried: the coordinator notices the silence.
  const send = (m: ShardMessage) => publish(redis, runId, m).catch(() => {});
  const beat = setInterval(() => void send({ type: 'beat', shard: index }), 1000);
  let poll: ReturnType<typeof setInterval> | null = null;
  let orphaned: string | null = null;
  try {
    await repo.updateShard(runId, index, { status: 'running', workerId: ctx.workerId, startedAt: new Date() });
    await send({ type: 'hello', shard: index, workerId: ctx.workerId || hostname() });

    const finish = async (outcome: ShardOutcome): Promise<ShardJobResult> => {
      await send({ type: 'done', shard: index, outcome });
      await repo.updateShard(runId, index, {
        status: outcome.error ? 'failed' : 'done',
        requests: outcome.requests,
        hist: outcome.hist,
        svcHist: outcome.svcHist,
        error: outcome.error ?? (orphaned ? orphaned : null),
        finishedAt: new Date(),
      });
      return { ...base, requests: outcome.requests, aborted: outcome.aborted, abortReason: outcome.abortReason, error: outcome.error };
    };

    const parsed = scenarioSpecSchema.safeParse(run.spec);
    if (!parsed.success) return await finish(emptyOutcome({ error: `invalid spec: ${describeSpecErrors(parsed.error).join('; ')}` }));
    const allow = checkAllowList(run.baseUrl, parsed.data);
    if (allow.problems.length) return await finish(emptyOutcome({ error: allow.problems.map((p) => p.message).join('; ') }));

    // Wait for the common start time (or a stop).
    let startAt: number | null = null;
    const waitUntil = Date.now() + START_WAIT_MS;
    for (;;) {
      const v = await readShardView(redis, runId);
      if (v.control) return await finish(emptyOutcome({ abortReason: `stopped before start (${v.control})` }));
      if (v.startAt) {
        startAt = v.startAt;
        break;
      }
      if (ctx.signal.aborted) return await finish(emptyOutcome({ abortReason: 'worker shutting down' }));
      if (Date.now() > waitUntil) return await finish(emptyOutcome({ error: 'no start signal from the coordinator' }));
      await sleep(100);
    }

    const ac = new AbortController();
    const onShutdown = () => ac.abort('worker shutting down');
    ctx.signal.addEventListener('abort', onShutdown, { once: true });
    let misses = 0;
    let polling = false;
    poll = setInterval(() => {
      if (polling || ac.signal.aborted) return;
      polling = true;
      readShardView(redis, runId)
        .then((v) => {
          if (v.control) ac.abort(`stopped by the coordinator (${v.control.replace(/:$/, '')})`);
          else if (!v.coordinatorAlive) {
            if (++misses >= COORDINATOR_MISSES) {
              orphaned = `the coordinator of run ${runId} stopped (its worker died?)`;
              ac.abort(orphaned);
            }
          } else misses = 0;
        })
        .catch(() => {})
        .finally(() => (polling = false));
    }, 250);

    try {
      const result = await runLoad(parsed.data, {
        baseUrl: run.baseUrl,
        shard: { index, count },
        startAt,
        signal: ac.signal,
        allowedHosts: [allow.host],
        // The coordinator judges assertions on the merge of all shards; one shard's view is not the run's.
        evaluateAssertions: false,
        onSecond: (snapshot) => void send({ type: 'second', shard: index, snapshot }),
      });
      const outcome: ShardOutcome = {
        requests: result.requests,
        failed: result.failed,
        elapsedSec: result.elapsedSec,
        aborted: result.aborted,
        abortReason: result.abortReason,
        error: null,
        hist: result.overall.hist,
        svcHist: result.overall.svcHist,
        dropped: result.dropped,
        lateStarts: result.lateStarts,
      };
      return await finish(outcome);
    } catch (err) {
      // A disallowed or unresolvable target (LoadTargetError) or a spec the engine refuses: report it, do not retry.
      return await finish(emptyOutcome({ error: (err as Error).message }));
    } finally {
      ctx.signal.removeEventListener('abort', onShutdown);
    }
  } finally {
    clearInterval(beat);
    if (poll) clearInterval(poll);
    redis.disconnect();
    if (orphaned) await orphanRun(runId, orphaned).catch(() => {});
  }
}

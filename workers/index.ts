import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { hostname } from 'node:os';
import { Worker } from 'bullmq';
import { db } from '@/server/db';
import { env } from '@/server/env';
import { closeQueues, queuePrefix } from '@/server/jobs/queues';
import { QUEUES, type QueueName } from '@/server/jobs/registry';
import { runJob } from '@/server/jobs/runner';
import { sweepAbandonedJobs } from '@/server/jobs/sweeper';
import { metrics } from '@/server/metrics';
import { createRedis } from '@/server/redis';
import { HANDLERS } from './handlers';
import { loadtestSweep } from './loadtest.worker';
import { startQueriesScheduling } from './queries.worker';

// One BullMQ Worker per queue (or the queues in PERFDECK_WORKER_QUEUES, to scale a queue out on other machines),
// a heartbeat row every 5 s, a sweeper that marks abandoned jobs, and a graceful SIGTERM.

const HEARTBEAT_MS = 5000;

/**
 * PERFDECK_<QUEUE>_CONCURRENCY (e.g. PERFDECK_LOADTEST_CONCURRENCY=3) caps one queue's slots in this process. A load
 * generator machine wants about one shard per core plus the coordinator, not the default 8 long-running slots.
 */
function queueConcurrency(name: string): number | undefined {
  const raw = process.env[`PERFDECK_${name.toUpperCase()}_CONCURRENCY`];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    console.error(`[workers] Invalid environment variable PERFDECK_${name.toUpperCase()}_CONCURRENCY: must be a whole number from 1 to 64`);
    process.exit(1);
  }
  return n;
}

async function main() {
  let e;
  try {
    e = env();
  } catch (err) {
    console.error(`[workers] ${(err as Error).message}`);
    process.exit(1);
  }
  const workerId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const wanted = (process.env.PERFDECK_WORKER_QUEUES ?? Object.keys(QUEUES).join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const q of wanted) {
    if (!(q in QUEUES)) {
      console.error(`[workers] Invalid environment variable PERFDECK_WORKER_QUEUES: unknown queue "${q}" (known: ${Object.keys(QUEUES).join(', ')})`);
      process.exit(1);
    }
  }
  const queues = wanted as QueueName[];
  const shutdown = new AbortController();
  // Listen from the start: a SIGTERM during start-up is honoured as soon as the workers exist.
  let requestedStop: string | null = null;
  let stop: (signal: string) => Promise<void> = async (signal) => {
    requestedStop = signal;
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  const startedAt = new Date();

  const beat = async () => {
    await db()
      .workerHeartbeat.upsert({
        where: { id: workerId },
        create: { id: workerId, hostname: hostname(), pid: process.pid, queues, startedAt, lastSeenAt: new Date() },
        update: { lastSeenAt: new Date() },
      })
      .catch((err) => console.error(`[workers] heartbeat failed: ${(err as Error).message.split('\n')[0]}`));
  };
  await beat();
  const heartbeat = setInterval(beat, HEARTBEAT_MS);

  const workers = queues.map((name) => {
    const w = new Worker(
      name,
      async (job) => {
        const entry = HANDLERS[job.name];
        if (!entry) throw new Error(`no handler for job ${job.name}`);
        return runJob(job, entry, workerId, shutdown.signal);
      },
      {
        connection: createRedis('bullmq'),
        prefix: queuePrefix(),
        concurrency: name === 'webvitals' ? 1 : (queueConcurrency(name) ?? Math.max(QUEUES[name].concurrency, e.PERFDECK_WORKER_CONCURRENCY)),
        lockDuration: 30_000,
        stalledInterval: 15_000,
        maxStalledCount: 0, // a job whose worker died is failed, not re-run behind the user's back
      },
    );
    w.on('failed', (job, err) => console.error(`[workers] ${job?.name} ${job?.id} failed: ${err.message}`));
    w.on('error', (err) => console.error(`[workers] ${name}: ${err.message}`));
    return w;
  });

  const sweep = async () => {
    try {
      for (const id of await sweepAbandonedJobs(HANDLERS)) console.log(`[workers] marked job ${id} abandoned`);
      // Load-test runs whose coordinator died are finalised (partial, with what was stored) well within 30 s.
      for (const id of await loadtestSweep()) console.log(`[workers] finalised load run ${id}: its coordinator stopped`);
    } catch (err) {
      console.error(`[workers] sweep failed: ${(err as Error).message.split('\n')[0]}`);
    }
  };
  await sweep();
  const sweeper = setInterval(sweep, 10_000);
  // Per-target query collection schedules (BullMQ job schedulers), kept in step with the targets.
  const stopQueriesScheduling = queues.includes('queries') ? startQueriesScheduling() : () => {};

  // Optional: this process's own metrics (job counters/durations) for Prometheus.
  const metricsPort = Number(process.env.PERFDECK_WORKER_METRICS_PORT ?? 0);
  const metricsServer =
    metricsPort > 0
      ? createServer(async (_req, res) => {
          res.setHeader('content-type', metrics().registry.contentType);
          res.end(await metrics().registry.metrics());
        }).listen(metricsPort, '127.0.0.1')
      : null;

  console.log(`[workers] ${workerId} serving ${queues.join(', ')} (prefix ${queuePrefix()})`);

  let stopping = false;
  stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[workers] ${signal}: finishing current jobs`);
    shutdown.abort();
    const force = setTimeout(() => {
      console.error('[workers] shutdown took too long; exiting');
      process.exit(1);
    }, 20_000);
    clearInterval(heartbeat);
    clearInterval(sweeper);
    stopQueriesScheduling();
    await Promise.all(workers.map((w) => w.close().catch(() => {})));
    await db().workerHeartbeat.update({ where: { id: workerId }, data: { stoppedAt: new Date() } }).catch(() => {});
    metricsServer?.close();
    await closeQueues();
    await db().$disconnect().catch(() => {});
    clearTimeout(force);
    process.exit(0);
  };
  if (requestedStop) await stop(requestedStop);
}

void main();

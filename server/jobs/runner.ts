import type { Job } from 'bullmq';
import type { Prisma } from '@/prisma/generated/client';
import { db } from '../db';
import { metrics } from '../metrics';
import { jobDefinition } from './registry';

// Wraps every handler: keeps the JobRecord in step (running → succeeded | failed), throttles progress writes,
// beats a per-job heartbeat so the sweeper can tell a live job from an abandoned one, and records job metrics.

export interface JobContext {
  jobId: string;
  workerId: string;
  signal: AbortSignal;
  /** fraction in [0,1]; message is shown beside the progress bar. */
  progress(fraction: number, message?: string): Promise<void>;
  bullJob: Job;
}

export type JobHandler = (payload: unknown, ctx: JobContext) => Promise<unknown>;

export interface HandlerEntry {
  run: JobHandler;
  /** Called by the sweeper when a job was abandoned (worker crashed): mark domain rows failed/partial. */
  onAbandon?: (payload: unknown, jobId: string) => Promise<void>;
}

export async function runJob(job: Job, entry: HandlerEntry, workerId: string, signal: AbortSignal): Promise<unknown> {
  const def = jobDefinition(job.name);
  if (!def) throw new Error(`unknown job ${job.name}`);
  const payload = def.schema.parse(job.data);
  const jobId = job.id ?? 'unknown';
  const started = Date.now();
  await db()
    .jobRecord.upsert({
      where: { id: jobId },
      create: { id: jobId, queue: def.queue, name: job.name, payload: payload as Prisma.InputJsonValue, status: 'running', startedAt: new Date(), heartbeatAt: new Date(), workerId, attempts: 1 },
      update: { status: 'running', startedAt: new Date(), heartbeatAt: new Date(), workerId, attempts: { increment: 1 }, error: null },
    });
  let lastWrite = 0;
  let pending: { fraction: number; message?: string } | null = null;
  const flush = async () => {
    if (!pending) return;
    const p = pending;
    pending = null;
    lastWrite = Date.now();
    await db().jobRecord.update({ where: { id: jobId }, data: { progress: p.fraction, message: p.message ?? undefined, heartbeatAt: new Date() } }).catch(() => {});
    await job.updateProgress(Math.round(p.fraction * 100)).catch(() => {});
  };
  const beat = setInterval(() => {
    void db().jobRecord.update({ where: { id: jobId }, data: { heartbeatAt: new Date() } }).catch(() => {});
  }, 5000);
  const ctx: JobContext = {
    jobId,
    workerId,
    signal,
    bullJob: job,
    progress: async (fraction, message) => {
      pending = { fraction: Math.min(1, Math.max(0, fraction)), message };
      if (Date.now() - lastWrite > 400) await flush();
    },
  };
  try {
    const result = await entry.run(payload, ctx);
    await flush();
    await db().jobRecord.update({
      where: { id: jobId },
      data: { status: 'succeeded', progress: 1, finishedAt: new Date(), result: (result ?? null) as Prisma.InputJsonValue },
    });
    metrics().jobsTotal.inc({ queue: def.queue, name: job.name, outcome: 'succeeded' });
    return result;
  } catch (err) {
    await db()
      .jobRecord.update({ where: { id: jobId }, data: { status: 'failed', finishedAt: new Date(), error: (err as Error).message.slice(0, 2000) } })
      .catch(() => {});
    metrics().jobsTotal.inc({ queue: def.queue, name: job.name, outcome: 'failed' });
    throw err;
  } finally {
    clearInterval(beat);
    metrics().jobDuration.observe({ queue: def.queue, name: job.name }, (Date.now() - started) / 1000);
  }
}

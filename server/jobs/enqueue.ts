import { randomUUID } from 'node:crypto';
import type { Prisma } from '@/prisma/generated/client';
import type { Actor } from '../auth/roles';
import { db } from '../db';
import { UnavailableError, ValidationError } from '../errors';
import { bullRedis, ensureReady } from '../redis';
import { getQueue } from './queues';
import { JOBS, type JobName, type JobPayload } from './registry';

export interface EnqueueOptions {
  actor?: Actor;
  delayMs?: number;
  /** Run at this time (e.g. a shared start for load-test shards). */
  jobId?: string;
}

/**
 * Validate the payload against the registry, store a JobRecord (what users see), then add the BullMQ job with the same
 * id. If Redis is down the record is marked failed (never left "queued" forever) and the caller gets a 503.
 */
export async function enqueue<N extends JobName>(name: N, payload: JobPayload<N>, opts: EnqueueOptions = {}): Promise<{ jobId: string }> {
  const def = JOBS[name];
  const parsed = def.schema.safeParse(payload);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error, `Invalid payload for job ${name}`);
  const jobId = opts.jobId ?? randomUUID();
  await db().jobRecord.create({
    data: {
      id: jobId,
      queue: def.queue,
      name,
      payload: parsed.data as Prisma.InputJsonValue,
      createdById: opts.actor && opts.actor.via !== 'system' ? opts.actor.id : null,
    },
  });
  try {
    await ensureReady(bullRedis());
    await getQueue(def.queue).add(name, parsed.data, {
      jobId,
      delay: opts.delayMs,
      attempts: def.attempts ?? 1,
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 1000 },
    });
  } catch (err) {
    await db()
      .jobRecord.update({ where: { id: jobId }, data: { status: 'failed', error: 'Redis unavailable: job was not queued', finishedAt: new Date() } })
      .catch(() => {});
    throw new UnavailableError(`Redis is unavailable, so the job could not be queued (${(err as Error).message}).`);
  }
  return { jobId };
}

export interface JobStatusDto {
  id: string;
  name: string;
  status: string;
  progress: number;
  message: string | null;
  error: string | null;
  result: unknown;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export async function getJobStatus(jobId: string): Promise<JobStatusDto | null> {
  const r = await db().jobRecord.findUnique({ where: { id: jobId } });
  if (!r) return null;
  return {
    id: r.id,
    name: r.name,
    status: r.status,
    progress: r.progress,
    message: r.message,
    error: r.error,
    result: r.result,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}

import { db } from '../db';
import { metrics } from '../metrics';
import { getQueue } from './queues';
import type { QueueName } from './registry';
import type { HandlerEntry } from './runner';

// A running JobRecord whose heartbeat stopped belongs to a dead worker (running jobs beat every 5 s). Mark it
// abandoned and let the domain mark its own rows (a load-test run becomes "partial", a check "failed"), so nothing
// stays "running" forever. Safe to run from several workers at once: the status update is the claim.
export const ABANDON_AFTER_MS = 30_000;

export async function sweepAbandonedJobs(handlers: Record<string, HandlerEntry>, olderThanMs = ABANDON_AFTER_MS): Promise<string[]> {
  const stale = await db().jobRecord.findMany({
    where: { status: 'running', heartbeatAt: { lt: new Date(Date.now() - olderThanMs) } },
    take: 100,
  });
  const swept: string[] = [];
  for (const r of stale) {
    const claimed = await db().jobRecord.updateMany({
      where: { id: r.id, status: 'running' },
      data: { status: 'abandoned', finishedAt: new Date(), error: `worker ${r.workerId ?? '?'} stopped reporting` },
    });
    if (claimed.count === 0) continue;
    swept.push(r.id);
    metrics().jobsTotal.inc({ queue: r.queue, name: r.name, outcome: 'abandoned' });
    await handlers[r.name]?.onAbandon?.(r.payload, r.id).catch((err) => console.error(`[workers] onAbandon ${r.name}: ${(err as Error).message}`));
    await getQueue(r.queue as QueueName)
      .getJob(r.id)
      .then((j) => j?.remove())
      .catch(() => {});
  }
  return swept;
}

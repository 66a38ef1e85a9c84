import { Queue } from 'bullmq';
import { env } from '../env';
import { bullRedis } from '../redis';
import type { QueueName } from './registry';

const g = globalThis as unknown as { __perfdeckQueues?: Map<string, Queue> };

export function queuePrefix(): string {
  return env().PERFDECK_QUEUE_PREFIX;
}

export function getQueue(name: QueueName): Queue {
  g.__perfdeckQueues ??= new Map();
  let q = g.__perfdeckQueues.get(name);
  if (!q) {
    q = new Queue(name, { connection: bullRedis(), prefix: queuePrefix() });
    q.on('error', () => {}); // surfaced through failed add() calls
    g.__perfdeckQueues.set(name, q);
  }
  return q;
}

export async function closeQueues(): Promise<void> {
  const qs = [...(g.__perfdeckQueues?.values() ?? [])];
  g.__perfdeckQueues?.clear();
  await Promise.all(qs.map((q) => q.close().catch(() => {})));
}

import { db } from '../db';
import { redis } from '../redis';

// Real health: a query against Postgres, a PING to Redis, and worker heartbeats written by workers/index.ts.
export const WORKER_STALE_MS = 20_000;

export interface DependencyHealth {
  status: 'ok' | 'down' | 'degraded';
  latencyMs?: number;
  detail: string;
}
export interface WorkerDto {
  id: string;
  hostname: string;
  pid: number;
  queues: string[];
  startedAt: string;
  lastSeenAt: string;
  alive: boolean;
}
export interface HealthReport {
  status: 'ok' | 'down';
  checkedAt: string;
  postgres: DependencyHealth;
  redis: DependencyHealth;
  workers: DependencyHealth & { list: WorkerDto[] };
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, rej) => setTimeout(() => rej(new Error(`${what} did not answer within ${ms} ms`)), ms))]);
}

async function checkPostgres(): Promise<DependencyHealth> {
  const t = performance.now();
  try {
    await withTimeout(db().$queryRawUnsafe('SELECT 1'), 2000, 'Postgres');
    return { status: 'ok', latencyMs: Math.round(performance.now() - t), detail: 'Query answered' };
  } catch (err) {
    return { status: 'down', detail: `Postgres unavailable: ${(err as Error).message.split('\n')[0].slice(0, 200)}` };
  }
}

async function checkRedis(): Promise<DependencyHealth> {
  const t = performance.now();
  try {
    const pong = await withTimeout(redis().ping(), 2000, 'Redis');
    return { status: pong === 'PONG' ? 'ok' : 'down', latencyMs: Math.round(performance.now() - t), detail: `PING → ${pong}` };
  } catch (err) {
    return { status: 'down', detail: `Redis unavailable: ${(err as Error).message.slice(0, 200)}` };
  }
}

async function checkWorkers(pgOk: boolean): Promise<DependencyHealth & { list: WorkerDto[] }> {
  if (!pgOk) return { status: 'down', detail: 'Unknown while Postgres is unavailable', list: [] };
  try {
    const rows = await db().workerHeartbeat.findMany({
      where: { stoppedAt: null, lastSeenAt: { gt: new Date(Date.now() - 24 * 3600_000) } },
      orderBy: { lastSeenAt: 'desc' },
      take: 50,
    });
    const now = Date.now();
    const list = rows.map((w) => ({
      id: w.id,
      hostname: w.hostname,
      pid: w.pid,
      queues: w.queues,
      startedAt: w.startedAt.toISOString(),
      lastSeenAt: w.lastSeenAt.toISOString(),
      alive: now - w.lastSeenAt.getTime() < WORKER_STALE_MS,
    }));
    const alive = list.filter((w) => w.alive).length;
    return alive > 0
      ? { status: 'ok', detail: `${alive} worker process${alive === 1 ? '' : 'es'} alive`, list }
      : { status: 'down', detail: list.length ? 'No heartbeat in the last 20 s' : 'No worker has ever reported', list };
  } catch (err) {
    return { status: 'down', detail: (err as Error).message.slice(0, 200), list: [] };
  }
}

export async function getHealth(): Promise<HealthReport> {
  const [postgres, redisH] = await Promise.all([checkPostgres(), checkRedis()]);
  const workers = await checkWorkers(postgres.status === 'ok');
  const status = postgres.status === 'ok' && redisH.status === 'ok' && workers.status === 'ok' ? 'ok' : 'down';
  return { status, checkedAt: new Date().toISOString(), postgres, redis: redisH, workers };
}

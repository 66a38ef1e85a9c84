import { Redis, type RedisOptions } from 'ioredis';
import { env } from './env';

// BullMQ workers need maxRetriesPerRequest: null (blocking commands must wait for a reconnect). The console's own
// connection fails fast instead (no offline queue), so pages and /api/health report Redis as down within a second
// rather than hanging; ioredis keeps reconnecting in the background, so the console recovers without a restart.
export function createRedis(kind: 'bullmq' | 'fast', url = env().REDIS_URL): Redis {
  const opts: RedisOptions =
    kind === 'bullmq'
      ? { maxRetriesPerRequest: null, enableReadyCheck: false }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 };
  const client = new Redis(url, { ...opts, lazyConnect: false, retryStrategy: (n) => Math.min(n * 200, 2000) });
  client.on('error', () => {}); // errors surface through the commands that fail; avoid unhandled 'error' events
  return client;
}

const g = globalThis as unknown as { __perfdeckRedis?: Redis; __perfdeckBullRedis?: Redis };

export function redis(): Redis {
  g.__perfdeckRedis ??= createRedis('fast');
  return g.__perfdeckRedis;
}

/**
 * Shared connection for BullMQ Queue producers in this process. Unlike workers, producers must fail fast when Redis is
 * down (no offline queue), so a user's click gets a clear 503 instead of hanging until Redis returns.
 */
export function bullRedis(): Redis {
  g.__perfdeckBullRedis ??= createRedis('fast');
  return g.__perfdeckBullRedis;
}

/** Wait (briefly) for a connection to be ready; throws when it is not. */
export async function ensureReady(client: Redis, timeoutMs = 2000): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis not reachable (${client.status})`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(t);
      client.off('ready', onReady);
    };
    client.on('ready', onReady);
  });
}

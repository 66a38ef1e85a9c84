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

/** Shared connection for BullMQ Queue producers in this process. */
export function bullRedis(): Redis {
  g.__perfdeckBullRedis ??= createRedis('bullmq');
  return g.__perfdeckBullRedis;
}

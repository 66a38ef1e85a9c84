import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, useTestEnv, type TestDatabase } from './helpers';

// Postgres going away while the console runs: the console reaches its database through a TCP proxy that the test
// closes (every connection cut, new ones refused) and reopens. Health says Postgres is down and the whole report is
// "down" (so /api/health answers 503), a service call fails with a 503-class error rather than hanging, and both
// recover without restarting anything.

let tdb: TestDatabase;
let proxy: Server | null = null;
let proxyPort = 0;
const sockets = new Set<Socket>();

function openProxy(port = 0): Promise<number> {
  return new Promise((resolve) => {
    proxy = createServer((client) => {
      const upstream = connect(5432, '127.0.0.1');
      sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const close = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', close);
      upstream.on('error', close);
    });
    proxy.listen(port, '127.0.0.1', () => resolve((proxy!.address() as { port: number }).port));
  });
}

function closeProxy(): Promise<void> {
  for (const s of sockets) s.destroy();
  sockets.clear();
  return new Promise((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
}

async function waitFor<T>(fn: () => Promise<T>, pred: (v: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  let v = await fn();
  while (!pred(v) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 250));
    v = await fn();
  }
  return v;
}

beforeAll(async () => {
  tdb = await createTestDatabase('pgoutage');
  proxyPort = await openProxy();
  useTestEnv(tdb);
  process.env.DATABASE_URL = tdb.url.replace(':5432/', `:${proxyPort}/`);
});

afterAll(async () => {
  const { db } = await import('@/server/db');
  await db().$disconnect().catch(() => {});
  await closeProxy();
  await tdb?.drop();
});

describe('Postgres down and back', () => {
  it('health reports Postgres down (503), services fail fast, and everything recovers without a restart', async () => {
    const { getHealth } = await import('@/server/health/service');
    const { listTargets } = await import('@/server/targets/service');
    const { toAppError } = await import('@/server/errors');
    const viewer = { id: 'v', email: 'v@t', name: 'v', role: 'viewer' as const, via: 'session' as const };
    expect((await waitFor(getHealth, (h) => h.postgres.status === 'ok')).postgres.status).toBe('ok');
    expect(await listTargets(viewer)).toEqual([]);

    await closeProxy();
    const down = await waitFor(getHealth, (h) => h.postgres.status === 'down');
    expect(down.postgres.status).toBe('down');
    expect(down.status).toBe('down');
    expect(down.redis.status).toBe('ok');
    const started = Date.now();
    const err = await listTargets(viewer).then(
      () => null,
      (e) => e,
    );
    expect(err).not.toBeNull();
    expect(toAppError(err).status).toBe(503);
    expect(Date.now() - started).toBeLessThan(15_000);

    await openProxy(proxyPort);
    const back = await waitFor(getHealth, (h) => h.postgres.status === 'ok');
    expect(back.postgres.status).toBe('ok');
    expect(await waitFor(() => listTargets(viewer).catch(() => null), (r) => r !== null)).toEqual([]);
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, useTestEnv, type TestDatabase } from './helpers';

// Redis going away and coming back while the console runs: health says "down" (and /api/health would be 503),
// then recovers without a restart. Also: the real worker process beats, and shuts down cleanly on SIGTERM.

let tdb: TestDatabase;
let redisPort: number;
let redisProc: ChildProcess | null = null;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

async function startRedis() {
  redisProc = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    const ok = await new Promise<boolean>((r) => {
      const c = connect(redisPort, '127.0.0.1', () => {
        c.end();
        r(true);
      });
      c.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('redis did not start');
}

async function stopRedis() {
  const p = redisProc;
  redisProc = null;
  if (!p) return;
  await new Promise<void>((r) => {
    p.once('exit', () => r());
    p.kill('SIGKILL');
  });
}

beforeAll(async () => {
  tdb = await createTestDatabase('resilience');
  redisPort = await freePort();
  useTestEnv(tdb);
  process.env.REDIS_URL = `redis://127.0.0.1:${redisPort}`;
  await startRedis();
});

afterAll(async () => {
  const { db } = await import('@/server/db');
  await db().$disconnect();
  await stopRedis();
  await tdb?.drop();
});

async function waitFor<T>(fn: () => Promise<T>, pred: (v: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  let v = await fn();
  while (!pred(v) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 250));
    v = await fn();
  }
  return v;
}

describe('Redis down and back', () => {
  it('health reports Redis down, enqueue fails clearly, and both recover without a restart', async () => {
    const { getHealth } = await import('@/server/health/service');
    const { enqueue } = await import('@/server/jobs/enqueue');
    const { db } = await import('@/server/db');
    expect((await waitFor(getHealth, (h) => h.redis.status === 'ok')).redis.status).toBe('ok');

    await stopRedis();
    const down = await waitFor(getHealth, (h) => h.redis.status === 'down');
    expect(down.redis.status).toBe('down');
    expect(down.status).toBe('down');
    expect(down.postgres.status).toBe('ok');
    await expect(enqueue('targets.check', { checkId: 'x' })).rejects.toMatchObject({ status: 503 });
    // the job record was not left "queued"
    expect(await db().jobRecord.count({ where: { status: 'queued' } })).toBe(0);

    await startRedis();
    const back = await waitFor(getHealth, (h) => h.redis.status === 'ok');
    expect(back.redis.status).toBe('ok');
    const { jobId } = await waitFor(
      () => enqueue('targets.check', { checkId: 'y' }).catch(() => ({ jobId: '' })),
      (r) => r.jobId !== '',
    );
    expect(jobId).not.toBe('');
  });
});

describe('worker process', () => {
  it('reports a heartbeat and stops gracefully on SIGTERM', async () => {
    const { db } = await import('@/server/db');
    const child = spawn(process.execPath, ['--import', 'tsx', 'workers/index.ts'], {
      env: { ...process.env, PERFDECK_WORKER_QUEUES: 'targets,maintenance' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const beat = await waitFor(
      () => db().workerHeartbeat.findFirst({ where: { pid: child.pid! } }),
      (r) => r !== null,
      30_000,
    );
    expect(beat?.queues).toEqual(['targets', 'maintenance']);
    expect(beat?.stoppedAt).toBeNull();
    const code = await new Promise<number | null>((r) => {
      child.once('exit', (c) => r(c));
      child.kill('SIGTERM');
    });
    expect(code, out).toBe(0);
    const after = await db().workerHeartbeat.findFirstOrThrow({ where: { pid: child.pid! } });
    expect(after.stoppedAt).not.toBeNull();
  });

  it('exits with one clear message when an env var is invalid', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'workers/index.ts'], {
      env: { ...process.env, DATABASE_URL: 'mysql://nope' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(1);
    expect(err).toMatch(/Invalid environment variable DATABASE_URL/);
  });
});

import { createServer, type Server } from 'node:http';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'bullmq';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, useTestEnv, type TestDatabase } from './helpers';

// Services against the real Postgres and Redis: migrations, targets with encrypted secrets, authorization, audit,
// API tokens, and a target check that really goes through BullMQ to a worker.

let tdb: TestDatabase;
let demo: Server;
let demoUrl: string;

beforeAll(async () => {
  tdb = await createTestDatabase('foundation');
  useTestEnv(tdb);
  demo = createServer((req, res) => {
    if (req.url === '/metrics') {
      res.setHeader('content-type', 'text/plain');
      res.end('# HELP x a\n# TYPE x counter\nx 1\n');
    } else res.end('ok');
  });
  await new Promise<void>((r) => demo.listen(0, '127.0.0.1', r));
  demoUrl = `http://127.0.0.1:${(demo.address() as { port: number }).port}`;
});

afterAll(async () => {
  const { db } = await import('@/server/db');
  const { closeQueues } = await import('@/server/jobs/queues');
  await closeQueues();
  await db().$disconnect();
  demo?.close();
  await tdb?.drop();
});

const actor = (role: 'viewer' | 'operator' | 'approver' | 'admin', id = `${role}-id`) => ({ id, email: `${role}@t.local`, name: role, role, via: 'session' as const });

async function seedUsers() {
  const { db } = await import('@/server/db');
  for (const r of ['viewer', 'operator', 'approver', 'admin'] as const) {
    await db().user.upsert({ where: { id: `${r}-id` }, create: { id: `${r}-id`, email: `${r}@t.local`, name: r, role: r }, update: {} });
  }
}

describe('migration runner', () => {
  it('is idempotent, keeps Prisma bookkeeping, and runs safely in parallel', async () => {
    const { migrateDatabase, readMigrations } = await import('@/server/migrations');
    const again = await Promise.all([migrateDatabase(tdb.url), migrateDatabase(tdb.url)]);
    expect(again.map((r) => r.applied.length)).toEqual([0, 0]);
    const c = new pg.Client({ connectionString: tdb.url });
    await c.connect();
    const rows = (await c.query('SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name')).rows;
    await c.end();
    const files = await readMigrations();
    expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
    expect(rows.map((r) => r.checksum)).toEqual(files.map((f) => f.checksum));
    expect(rows.every((r) => r.finished_at)).toBe(true);
  });

  it('rolls back a failing migration completely and reports it', async () => {
    const { migrateDatabase } = await import('@/server/migrations');
    const scratch = await createTestDatabase('migfail', { migrate: false });
    const dir = await mkdtemp(path.join(tmpdir(), 'pdmig-'));
    await mkdir(path.join(dir, '20260101000000_ok'));
    await writeFile(path.join(dir, '20260101000000_ok', 'migration.sql'), 'CREATE TABLE a (id int);');
    await mkdir(path.join(dir, '20260101000001_bad'));
    await writeFile(path.join(dir, '20260101000001_bad', 'migration.sql'), 'CREATE TABLE b (id int); SELECT nope FROM missing;');
    await expect(migrateDatabase(scratch.url, { dir })).rejects.toThrow(/20260101000001_bad failed and was rolled back/);
    const c = new pg.Client({ connectionString: scratch.url });
    await c.connect();
    const t = (await c.query("SELECT to_regclass('a') AS a, to_regclass('b') AS b")).rows[0];
    const m = (await c.query('SELECT migration_name FROM "_prisma_migrations"')).rows.map((r) => r.migration_name);
    await c.end();
    await scratch.drop();
    expect(t).toEqual({ a: 'a', b: null });
    expect(m).toEqual(['20260101000000_ok']);
  });
});

describe('targets', () => {
  it('encrypts secrets at rest, never returns them, and audits without them', async () => {
    await seedUsers();
    const { createTarget, getTarget } = await import('@/server/targets/service');
    const { db } = await import('@/server/db');
    const dsn = 'postgresql://svc:TopSecret123@127.0.0.1:5432/app';
    const t = await createTarget(actor('admin'), { name: 'Secret app', baseUrl: 'http://127.0.0.1:9/', postgresDsn: dsn });
    expect(JSON.stringify(t)).not.toContain('TopSecret123');
    expect(t.postgres).toBe('postgresql://127.0.0.1:5432/app');
    expect(t.baseUrl).toBe('http://127.0.0.1:9');
    const row = await db().target.findUniqueOrThrow({ where: { id: t.id } });
    expect(row.postgresDsnEnc).toMatch(/^v1\./);
    expect(row.postgresDsnEnc).not.toContain('TopSecret123');
    const audit = await db().auditLog.findFirstOrThrow({ where: { entityId: t.id, action: 'target.create' } });
    expect(JSON.stringify({ ...audit, id: String(audit.id) })).not.toContain('TopSecret123');
    expect(audit.actorEmail).toBe('admin@t.local');
    expect(JSON.stringify(await getTarget(actor('viewer'), t.id))).not.toContain('TopSecret123');
  });

  it('refuses non-admins and bad input without writing anything', async () => {
    const { createTarget } = await import('@/server/targets/service');
    const { db } = await import('@/server/db');
    const before = await db().target.count();
    const auditsBefore = await db().auditLog.count();
    await expect(createTarget(actor('operator'), { name: 'x', baseUrl: 'http://127.0.0.1:1' })).rejects.toMatchObject({ status: 403 });
    await expect(createTarget(actor('admin'), { name: '', baseUrl: 'not a url' })).rejects.toMatchObject({ status: 400, fieldErrors: expect.objectContaining({ name: expect.any(String), baseUrl: expect.any(String) }) });
    await expect(createTarget(actor('admin'), { name: 'Secret app', baseUrl: 'http://127.0.0.1:1' })).rejects.toMatchObject({ status: 409 });
    expect(await db().target.count()).toBe(before);
    expect(await db().auditLog.count()).toBe(auditsBefore);
  });
});

describe('API tokens', () => {
  it('stores only a hash, authenticates, and stops working when revoked', async () => {
    const { createApiToken, revokeApiToken } = await import('@/server/users/service');
    const { actorFromToken } = await import('@/server/auth/actor');
    const { db } = await import('@/server/db');
    const { token, dto } = await createApiToken(actor('operator'), { name: 'CI' });
    const row = await db().apiToken.findUniqueOrThrow({ where: { id: dto.id } });
    expect(row.tokenHash).not.toBe(token);
    expect(JSON.stringify(row)).not.toContain(token);
    expect(await actorFromToken(token)).toMatchObject({ id: 'operator-id', role: 'operator', via: 'token' });
    await revokeApiToken(actor('operator'), dto.id);
    expect(await actorFromToken(token)).toBeNull();
    expect(await actorFromToken('pd_' + 'x'.repeat(43))).toBeNull();
  });

  it('follows the owner role and disabled flag', async () => {
    const { createApiToken, setUserDisabled, updateUserRole } = await import('@/server/users/service');
    const { actorFromToken } = await import('@/server/auth/actor');
    const { token } = await createApiToken(actor('approver'), { name: 'x' });
    await updateUserRole(actor('admin'), 'approver-id', { role: 'viewer' });
    expect((await actorFromToken(token))?.role).toBe('viewer');
    await setUserDisabled(actor('admin'), 'approver-id', true);
    expect(await actorFromToken(token)).toBeNull();
  });

  it('keeps at least one admin', async () => {
    const { updateUserRole } = await import('@/server/users/service');
    await expect(updateUserRole(actor('admin'), 'admin-id', { role: 'viewer' })).rejects.toMatchObject({ status: 400 });
  });
});

describe('target check job through BullMQ', () => {
  it('an operator queues it, a worker runs the probes, the result is stored; a viewer is refused', async () => {
    const { createTarget, checkTarget, getTargetCheck } = await import('@/server/targets/service');
    const { runJob } = await import('@/server/jobs/runner');
    const { HANDLERS } = await import('@/workers/handlers');
    const { createRedis } = await import('@/server/redis');
    const { queuePrefix } = await import('@/server/jobs/queues');
    const { db } = await import('@/server/db');
    const t = await createTarget(actor('admin'), { name: 'Probe me', baseUrl: demoUrl, postgresDsn: tdb.url });
    await expect(checkTarget(actor('viewer'), t.id)).rejects.toMatchObject({ status: 403 });
    const worker = new Worker('targets', (job) => runJob(job, HANDLERS[job.name], 'test-worker', new AbortController().signal), {
      connection: createRedis('bullmq'),
      prefix: queuePrefix(),
    });
    try {
      const check = await checkTarget(actor('operator'), t.id);
      expect(check.status).toBe('queued');
      let dto = check;
      for (let i = 0; i < 100 && !['succeeded', 'failed'].includes(dto.status); i++) {
        await new Promise((r) => setTimeout(r, 100));
        dto = await getTargetCheck(actor('viewer'), check.id);
      }
      expect(dto.status).toBe('succeeded');
      expect(dto.progress).toBe(1);
      expect(dto.result?.http.ok).toBe(true);
      expect(dto.result?.postgres.ok).toBe(true);
      expect(dto.result?.postgres.details?.extensions).toHaveProperty('pg_stat_statements');
      expect(dto.result?.prometheus.details).toMatchObject({ kind: 'metrics-endpoint', series: 1 });
      expect(dto.result?.redis.skipped).toBe(true);
      const job = await db().jobRecord.findUniqueOrThrow({ where: { id: dto.jobId! } });
      expect(job.status).toBe('succeeded');
    } finally {
      await worker.close();
    }
  });

  it('the sweeper marks a job whose worker died as abandoned, and its check as failed', async () => {
    const { sweepAbandonedJobs } = await import('@/server/jobs/sweeper');
    const { HANDLERS } = await import('@/workers/handlers');
    const { db } = await import('@/server/db');
    const target = await db().target.findFirstOrThrow({ where: { name: 'Probe me' } });
    await db().targetCheck.create({ data: { id: 'chk-dead', targetId: target.id, jobId: 'job-dead', status: 'running' } });
    await db().jobRecord.create({
      data: { id: 'job-dead', queue: 'targets', name: 'targets.check', payload: { checkId: 'chk-dead' }, status: 'running', heartbeatAt: new Date(Date.now() - 60_000), workerId: 'gone' },
    });
    expect(await sweepAbandonedJobs(HANDLERS)).toEqual(['job-dead']);
    expect((await db().jobRecord.findUniqueOrThrow({ where: { id: 'job-dead' } })).status).toBe('abandoned');
    expect((await db().targetCheck.findUniqueOrThrow({ where: { id: 'chk-dead' } })).status).toBe('failed');
    expect(await sweepAbandonedJobs(HANDLERS)).toEqual([]);
  });
});

// Query insights through the service, the real Postgres (pg_stat_statements, HypoPG) and a real BullMQ worker:
// scheduled/manual collection with interval deltas and a stats reset, retention, the slow-query list, sample
// ingestion through the REST handler (validation, tokens, matching by fingerprint), analyze → stored recommendations,
// approve → apply with progress and verification, role refusals, reject, migration download, rollback, supersede.
import { Worker } from 'bullmq';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, useTestEnv, type TestDatabase } from './helpers';

let consoleDb: TestDatabase;
let targetDb: TestDatabase;
let target: pg.Client;
let worker: Worker;
let targetId: string;
const progressSeen = new Map<string, number[]>();

const actor = (role: 'viewer' | 'operator' | 'approver' | 'admin') => ({ id: `${role}-id`, email: `${role}@t.local`, name: role, role, via: 'session' as const });

async function connect(url: string) {
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => {});
  await c.connect();
  return c;
}

/** The demo API's own lead search SQL, as the demo server sends it. */
async function leadSearch(status: string, from = '2026-06-01', to = '2026-08-31') {
  const { buildLeadSearchSql, parseLeadSearch } = await import('@/demo/lead-query');
  const parsed = parseLeadSearch(new URLSearchParams(`status=${status}&created_from=${from}&created_to=${to}`));
  if (!parsed.ok) throw new Error('bad search');
  return buildLeadSearchSql(parsed.value).rows;
}

async function replay(times: number, opts: { all?: boolean } = {}) {
  const { buildPoliciesOfLeadSql } = await import('@/demo/lead-query');
  const { buildPolicySearchSql, parsePolicySearch } = await import('@/demo/policy-query');
  for (let i = 0; i < times; i++) {
    const q = await leadSearch(['new', 'contacted', 'qualified', 'closed'][i % 4]);
    await target.query(q.sql, q.params);
    if (!opts.all) continue;
    // the renewal queue and a lead's policies: policies(status, expiration_date) and policies(lead_id)
    const pol = parsePolicySearch(new URLSearchParams(`status=active&expiring_before=2027-0${1 + (i % 6)}-01`));
    if (!pol.ok) throw new Error('bad policy search');
    const p = buildPolicySearchSql(pol.value);
    await target.query(p.sql, p.params);
    const l = buildPoliciesOfLeadSql(String(1 + ((i * 7919) % 20_000)));
    await target.query(l.sql, l.params);
  }
}

const resetTargetStats = () => target.query('SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0)');

async function waitForJob(jobId: string, timeoutMs = 60_000) {
  const { db } = await import('@/server/db');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await db().jobRecord.findUnique({ where: { id: jobId } });
    if (r && ['succeeded', 'failed', 'abandoned'].includes(r.status)) return r;
    if (Date.now() > deadline) throw new Error(`job ${jobId} did not finish: ${r?.status}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

beforeAll(async () => {
  consoleDb = await createTestDatabase('queries');
  useTestEnv(consoleDb);
  targetDb = await createTestDatabase('qtarget', { migrate: false });
  target = await connect(targetDb.url);
  await target.query('CREATE EXTENSION pg_stat_statements; CREATE EXTENSION hypopg');
  const { seedDemo } = await import('@/demo/seed');
  await seedDemo(targetDb.url, { leads: 20_000, policies: 5_000, users: 10 });

  const { db } = await import('@/server/db');
  for (const r of ['viewer', 'operator', 'approver', 'admin'] as const) {
    await db().user.create({ data: { id: `${r}-id`, email: `${r}@t.local`, name: r, role: r } });
  }
  const { createTarget } = await import('@/server/targets/service');
  targetId = (await createTarget(actor('admin'), { name: 'Lead-gen test', baseUrl: 'http://127.0.0.1:9', postgresDsn: targetDb.url })).id;

  const { runJob } = await import('@/server/jobs/runner');
  const { HANDLERS } = await import('@/workers/handlers');
  const { createRedis } = await import('@/server/redis');
  const { queuePrefix } = await import('@/server/jobs/queues');
  worker = new Worker('queries', (job) => runJob(job, HANDLERS[job.name], 'test-worker', new AbortController().signal), {
    connection: createRedis('bullmq'),
    prefix: queuePrefix(),
    concurrency: 2,
  });
  worker.on('progress', (job, p) => progressSeen.set(job.id!, [...(progressSeen.get(job.id!) ?? []), Number(p)]));
});

afterAll(async () => {
  await worker?.close();
  const { db } = await import('@/server/db');
  const { closeQueues } = await import('@/server/jobs/queues');
  await closeQueues();
  await db().$disconnect();
  await target?.end().catch(() => {});
  await consoleDb?.drop();
  await targetDb?.drop();
});

describe('collection', () => {
  it('stores interval deltas, keeps counters only on the newest snapshot, and flags a stats reset', async () => {
    const { collectNow, listSlowQueries, getCollectorStatus } = await import('@/server/queries/service');
    const { DEFAULT_SLOW_QUERY_PARAMS } = await import('@/server/queries/schema');
    const { db } = await import('@/server/db');
    await expect(collectNow(actor('viewer'), targetId)).rejects.toMatchObject({ status: 403 });

    await resetTargetStats();
    await replay(8);
    const first = await collectNow(actor('operator'), targetId);
    expect((await waitForJob(first.jobId)).status).toBe('succeeded');
    await replay(4);
    const second = await collectNow(actor('operator'), targetId);
    expect((await waitForJob(second.jobId)).status).toBe('succeeded');

    const status = await getCollectorStatus(actor('viewer'), targetId);
    expect(status.snapshotCount).toBe(2);
    expect(status.inspection?.ready.collect).toBe(true);
    expect(status.latestSnapshot?.firstSnapshot).toBe(false);
    const snaps = await db().querySnapshot.findMany({ where: { targetId }, orderBy: { takenAt: 'asc' } });
    expect(snaps.map((s) => s.counters === null)).toEqual([true, false]);

    const last = await listSlowQueries(actor('viewer'), targetId, { ...DEFAULT_SLOW_QUERY_PARAMS, window: 'interval', show: 'all' });
    const search = last.rows.filter((r) => /FROM leads WHERE status = \$1 AND created_at >= \$2/.test(r.query));
    expect(search).toHaveLength(1);
    expect(search[0]).toMatchObject({ calls: 4, reset: false });
    expect(search[0].meanExecTimeMs).toBeGreaterThan(0);
    expect(search[0].fingerprint).toMatch(/^[0-9a-f]{16}$/);
    // the whole window (both snapshots) holds every call
    const all = await listSlowQueries(actor('viewer'), targetId, { ...DEFAULT_SLOW_QUERY_PARAMS, window: '24h', show: 'all' });
    expect(all.rows.find((r) => r.queryid === search[0].queryid)?.calls).toBe(12);
    expect(all.window.snapshots).toBe(2);
    // the collector planned the slowest statements: the lead search seq-scans 20 000 leads
    expect(search[0].findings.map((f) => f.kind)).toContain('seq_scan_filter');
    // the collector's own reads of the target never show up as workload
    expect(all.rows.some((r) => /pg_stat_statements/.test(r.query))).toBe(false);

    // A per-database reset makes counters go down: that interval counts from zero and says so.
    await resetTargetStats();
    await replay(2);
    const third = await collectNow(actor('operator'), targetId);
    expect((await waitForJob(third.jobId)).status).toBe('succeeded');
    const afterReset = await listSlowQueries(actor('viewer'), targetId, { ...DEFAULT_SLOW_QUERY_PARAMS, window: 'interval', show: 'all' });
    expect(afterReset.rows.find((r) => r.queryid === search[0].queryid)).toMatchObject({ calls: 2, reset: true });
  });

  it('keeps history bounded by the retention settings and refuses bad settings', async () => {
    const { saveCollectorSettings, collectNow } = await import('@/server/queries/service');
    const { db } = await import('@/server/db');
    await expect(saveCollectorSettings(actor('operator'), targetId, { intervalMinutes: 0, retentionDays: 1, maxSnapshots: 10, sampleRetentionHours: 1, slowMeanMs: 100, slowSharePct: 5 })).rejects.toMatchObject({
      status: 400,
      fieldErrors: { intervalMinutes: 'At least 1 minute' },
    });
    await expect(saveCollectorSettings(actor('viewer'), targetId, {})).rejects.toMatchObject({ status: 403 });
    await saveCollectorSettings(actor('operator'), targetId, { enabled: true, intervalMinutes: 5, retentionDays: 1, maxSnapshots: 10, sampleRetentionHours: 24, slowMeanMs: 100, slowSharePct: 5 });
    const old = new Date(Date.now() - 3 * 86_400_000);
    await db().querySnapshot.create({ data: { id: 'old-snap', targetId, takenAt: old, stats: { create: [{ targetId, queryid: '42', takenAt: old, calls: 1, totalExecTimeMs: 1, sumSqExecTimeMs: 1, rows: 1, sharedBlksHit: 0, sharedBlksRead: 0, tempBlksRead: 0, tempBlksWritten: 0 }] } } });
    const j = await collectNow(actor('operator'), targetId);
    expect((await waitForJob(j.jobId)).status).toBe('succeeded');
    expect(await db().querySnapshot.count({ where: { id: 'old-snap' } })).toBe(0);
    expect(await db().queryStatSample.count({ where: { snapshotId: 'old-snap' } })).toBe(0);
    expect(await db().auditLog.count({ where: { action: 'queries.settings.update', entityId: targetId } })).toBe(1);
  });

  it('schedules one collector per target with a DSN and removes it when collection is disabled', async () => {
    const { syncCollectorSchedules, saveCollectorSettings } = await import('@/server/queries/service');
    const { getQueue } = await import('@/server/jobs/queues');
    await syncCollectorSchedules();
    const ids = async () => (await getQueue('queries').getJobSchedulers(0, -1)).map((s) => String(s.key ?? s.id));
    expect(await ids()).toContain(`queries.collect:${targetId}`);
    await saveCollectorSettings(actor('operator'), targetId, { enabled: false, intervalMinutes: 5, retentionDays: 7, maxSnapshots: 2016, sampleRetentionHours: 24, slowMeanMs: 100, slowSharePct: 5 });
    expect(await ids()).not.toContain(`queries.collect:${targetId}`);
    await saveCollectorSettings(actor('operator'), targetId, { enabled: true, intervalMinutes: 10, retentionDays: 7, maxSnapshots: 2016, sampleRetentionHours: 24, slowMeanMs: 100, slowSharePct: 5 });
    const s = (await getQueue('queries').getJobSchedulers(0, -1)).find((x) => String(x.key ?? x.id) === `queries.collect:${targetId}`);
    expect(Number(s?.every)).toBe(600_000);
    // leave no repeating job behind in Redis
    await getQueue('queries').removeJobScheduler(`queries.collect:${targetId}`);
  });
});

describe('a target that is not ready', () => {
  it('says what is missing with the exact fix; a manual collection fails with it, a scheduled one records it', async () => {
    const { createTarget } = await import('@/server/targets/service');
    const { collectNow, getCollectorStatus, runCollectJob } = await import('@/server/queries/service');
    const bare = await createTestDatabase('qbare', { migrate: false });
    try {
      const t = await createTarget(actor('admin'), { name: 'Bare', baseUrl: 'http://127.0.0.1:9', postgresDsn: bare.url });
      const j = await collectNow(actor('operator'), t.id);
      const job = await waitForJob(j.jobId);
      expect(job.status).toBe('failed');
      expect(job.error).toContain('CREATE EXTENSION IF NOT EXISTS pg_stat_statements;');
      const status = await getCollectorStatus(actor('viewer'), t.id);
      expect(status.inspection?.ready).toEqual({ collect: false, advise: false });
      const fixes = Object.fromEntries(status.inspection!.requirements.filter((r) => !r.ok).map((r) => [r.name, r.fix]));
      expect(fixes['pg_stat_statements created']).toBe('CREATE EXTENSION IF NOT EXISTS pg_stat_statements;');
      expect(fixes['hypopg created']).toBe('CREATE EXTENSION IF NOT EXISTS hypopg;');
      expect(status.lastError).toContain('pg_stat_statements is not usable');
      expect(status.snapshotCount).toBe(0);
      const scheduled = await runCollectJob({ targetId: t.id, scheduled: true }, { progress: async () => {}, jobId: null });
      expect(scheduled.skipped).toContain('pg_stat_statements created');
    } finally {
      await bare.drop();
    }
  });
});

describe('ingestion API', () => {
  it('validates, authenticates, matches samples by fingerprint, and feeds percentiles', async () => {
    const { POST } = await import('@/app/api/v1/queries/route');
    const { createApiToken } = await import('@/server/users/service');
    const { listSlowQueries } = await import('@/server/queries/service');
    const { DEFAULT_SLOW_QUERY_PARAMS } = await import('@/server/queries/schema');
    const { token: opToken } = await createApiToken(actor('operator'), { name: 'demo agent' });
    const { token: viewToken } = await createApiToken(actor('viewer'), { name: 'viewer' });
    const post = (body: unknown, token: string | null = opToken, type = 'application/json') =>
      POST(
        new Request('http://127.0.0.1/api/v1/queries', {
          method: 'POST',
          headers: { 'content-type': type, ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        }),
        { params: Promise.resolve({}) },
      );
    const q = await leadSearch('new');
    const now = Date.now();
    const samples = Array.from({ length: 100 }, (_, i) => ({ query: q.sql, durationMs: i + 1, at: new Date(now - i * 10).toISOString() }));
    const body = { target: 'Lead-gen test', samples: [...samples, { query: 'SELEC nonsense', durationMs: 1, at: new Date(now).toISOString() }] };

    expect((await post(body, null)).status).toBe(401);
    expect((await post(body, viewToken)).status).toBe(403);
    expect((await post(body, opToken, 'text/plain')).status).toBe(415);
    const notJson = await post('{"target":', opToken);
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).error).toBe('The request body is not valid JSON.');
    const bad = await post({ target: 'Lead-gen test', samples: [{ query: q.sql, durationMs: -5, at: 'soon' }] });
    expect(bad.status).toBe(400);
    const badJson = await bad.json();
    expect(badJson.error).toContain('samples[0].durationMs must be ≥ 0');
    expect(badJson.fields).toMatchObject({ 'samples[0].durationMs': 'must be ≥ 0', 'samples[0].at': expect.stringContaining('ISO 8601') });
    const tooMany = await post({ target: 'Lead-gen test', samples: Array.from({ length: 1001 }, () => samples[0]) });
    expect(tooMany.status).toBe(400);
    expect((await tooMany.json()).error).toContain('at most 1000 samples');
    const unknownTarget = await post({ ...body, target: 'Nope' });
    expect(unknownTarget.status).toBe(404);

    const ok = await post(body);
    expect(ok.status).toBe(202);
    expect(await ok.json()).toEqual({ target: 'Lead-gen test', accepted: 100, matched: 100, rejected: [{ index: 100, message: 'query is not a single parsable SQL statement' }] });

    const list = await listSlowQueries(actor('viewer'), targetId, { ...DEFAULT_SLOW_QUERY_PARAMS, show: 'all' });
    const row = list.rows.find((r) => r.query === q.sql);
    expect(row?.latency).toEqual({ source: 'samples', count: 100, p50: 50, p95: 95, p99: 99, max: 100 });
  });
});

describe('analyze → approve → apply', () => {
  let recId: string;

  it('an operator runs the advisor as a job; the recommendations are stored as proposals', async () => {
    const { analyzeWorkload, getAnalysis, listRecommendations } = await import('@/server/queries/service');
    await replay(40, { all: true });
    await expect(analyzeWorkload(actor('viewer'), targetId)).rejects.toMatchObject({ status: 403 });
    const a = await analyzeWorkload(actor('operator'), targetId);
    expect(a.status).toBe('queued');
    await expect(analyzeWorkload(actor('operator'), targetId)).rejects.toMatchObject({ status: 409 });
    expect((await waitForJob(a.jobId!)).status).toBe('succeeded');
    const done = await getAnalysis(actor('viewer'), a.id);
    expect(done).toMatchObject({ status: 'succeeded', progress: 1 });
    expect(done.summary!.analyzedQueries).toBeGreaterThan(0);
    // the job took a fresh snapshot and analyzed the collected intervals (not pg_stat_statements since its reset)
    expect(done.summary!.workloadSource).toBe('collected');
    expect(progressSeen.get(a.jobId!)?.length).toBeGreaterThan(0);
    const recs = await listRecommendations(actor('viewer'), targetId);
    const leads = recs.find((r) => r.kind === 'create' && r.table === 'leads');
    expect(leads).toBeDefined();
    expect(leads!.columns.slice(0, 2).map((c) => c.split(' ')[0])).toEqual(['status', 'created_at']);
    expect(leads!.state).toBe('proposed');
    expect(leads!.ddl).toMatch(/^CREATE INDEX CONCURRENTLY "leads_status_created_at\w*" ON "public"."leads"/);
    expect(leads!.queries.length).toBeGreaterThan(0);
    expect(leads!.queries[0].costAfter).toBeLessThan(leads!.queries[0].costBefore);
    expect(leads!.estimatedSizeBytes).toBeGreaterThan(0);
    expect(leads!.events).toEqual([expect.objectContaining({ from: null, to: 'proposed' })]);
    recId = leads!.id;
  });

  it('an operator cannot approve (403, nothing changes); the REST route refuses too', async () => {
    const { approveRecommendation, getRecommendation } = await import('@/server/queries/service');
    const { POST } = await import('@/app/api/v1/recommendations/[id]/approve/route');
    const { createApiToken } = await import('@/server/users/service');
    await expect(approveRecommendation(actor('operator'), recId)).rejects.toMatchObject({ status: 403, message: expect.stringContaining('needs the approver role') });
    const { token } = await createApiToken(actor('operator'), { name: 'op2' });
    const res = await POST(new Request(`http://127.0.0.1/api/v1/recommendations/${recId}/approve`, { method: 'POST', headers: { authorization: `Bearer ${token}` } }), {
      params: Promise.resolve({ id: recId }),
    });
    expect(res.status).toBe(403);
    expect((await getRecommendation(actor('viewer'), recId)).state).toBe('proposed');
  });

  it('an approver approves through the REST route; the worker builds the index with progress and verifies it', async () => {
    const { getRecommendation } = await import('@/server/queries/service');
    const { POST } = await import('@/app/api/v1/recommendations/[id]/approve/route');
    const { createApiToken } = await import('@/server/users/service');
    const { db } = await import('@/server/db');
    const { token } = await createApiToken(actor('approver'), { name: 'ap' });
    const res = await POST(
      new Request(`http://127.0.0.1/api/v1/recommendations/${recId}/approve`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"note":"tour"}' }),
      { params: Promise.resolve({ id: recId }) },
    );
    expect(res.status).toBe(202);
    const approved = await res.json();
    expect(approved.state).toMatch(/approved|applying/);
    const job = await waitForJob(approved.jobId);
    expect(job.status).toBe('succeeded');
    const rec = await getRecommendation(actor('viewer'), recId);
    expect(rec.state).toBe('applied');
    expect(rec.progress).toBe(1);
    expect(rec.events.map((e) => e.to)).toEqual(['proposed', 'approved', 'applying', 'applied']);
    expect(rec.events[1]).toMatchObject({ actorEmail: 'approver@t.local', note: 'tour' });
    expect(rec.result!.after!.some((c) => c.usesIndex)).toBe(true);
    const before = rec.result!.before.reduce((s, c) => s + (c.cost ?? 0), 0);
    const after = rec.result!.after!.reduce((s, c) => s + (c.cost ?? 0), 0);
    expect(after).toBeLessThan(before);
    const seen = progressSeen.get(approved.jobId) ?? [];
    expect(seen.length).toBeGreaterThan(0);
    expect(Math.max(...seen)).toBe(100);
    const idx = await target.query(`SELECT x.indisvalid FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid WHERE c.relname = $1`, [rec.indexName]);
    expect(idx.rows).toEqual([{ indisvalid: true }]);
    const audits = await db().auditLog.findMany({ where: { entityId: recId }, orderBy: { id: 'asc' } });
    expect(audits.map((a) => a.action)).toEqual(['recommendation.approve', 'recommendation.applied']);
    // a second approval of an applied index is refused as a conflict
    const { approveRecommendation } = await import('@/server/queries/service');
    await expect(approveRecommendation(actor('approver'), recId)).rejects.toMatchObject({ status: 409 });
  });

  it('offers the migration as SQL and as a Prisma folder, audited', async () => {
    const { GET } = await import('@/app/api/v1/recommendations/[id]/migration/route');
    const { createApiToken } = await import('@/server/users/service');
    const { readTar } = await import('@/server/queries/tar');
    const { token } = await createApiToken(actor('viewer'), { name: 'v2' });
    const get = (format: string) =>
      GET(new Request(`http://127.0.0.1/api/v1/recommendations/${recId}/migration?format=${format}`, { headers: { authorization: `Bearer ${token}` } }), { params: Promise.resolve({ id: recId }) });
    const sql = await get('sql');
    expect(sql.status).toBe(200);
    expect(sql.headers.get('content-disposition')).toMatch(/attachment; filename="\d{14}_add_index_leads_status_created_at.*\.sql"/);
    expect(await sql.text()).toMatch(/CREATE INDEX CONCURRENTLY IF NOT EXISTS "leads_status_created_at/);
    const tar = await get('prisma');
    const files = readTar(new Uint8Array(await tar.arrayBuffer())).filter((f) => f.type === 'file');
    expect(files).toHaveLength(1);
    expect(files[0].path).toMatch(/^prisma\/migrations\/\d{14}_add_index_leads_status_created_at\w*\/migration\.sql$/);
    expect((await get('zip')).status).toBe(400);
  });

  it('rejects a proposal, supersedes undecided ones on a new analysis, and rolls an applied index back', async () => {
    const { analyzeWorkload, listRecommendations, rejectRecommendation, rollbackRecommendation, getRecommendation } = await import('@/server/queries/service');
    const proposals = (await listRecommendations(actor('viewer'), targetId, { states: ['proposed'] })).filter((r) => r.kind === 'create');
    expect(proposals.length).toBeGreaterThan(0);
    await expect(rejectRecommendation(actor('operator'), proposals[0].id)).rejects.toMatchObject({ status: 403 });
    const rejected = await rejectRecommendation(actor('approver'), proposals[0].id, { note: 'not now' });
    expect(rejected.state).toBe('rejected');
    await expect(listRecommendations(actor('viewer'), targetId, { states: ['bogus'] })).rejects.toMatchObject({ status: 400 });

    const undecided = (await listRecommendations(actor('viewer'), targetId, { states: ['proposed'] })).map((r) => r.id);
    const a = await analyzeWorkload(actor('operator'), targetId);
    expect((await waitForJob(a.jobId!)).status).toBe('succeeded');
    for (const id of undecided) expect((await getRecommendation(actor('viewer'), id)).state).toBe('superseded');
    // the applied index is not proposed again
    const fresh = await listRecommendations(actor('viewer'), targetId, { states: ['proposed'] });
    const applied = await getRecommendation(actor('viewer'), recId);
    expect(fresh.some((r) => r.kind === 'create' && r.columns.join() === applied.columns.join())).toBe(false);

    await expect(rollbackRecommendation(actor('operator'), recId)).rejects.toMatchObject({ status: 403 });
    const { jobId } = await rollbackRecommendation(actor('approver'), recId);
    expect((await waitForJob(jobId)).status).toBe('succeeded');
    const rolled = await getRecommendation(actor('viewer'), recId);
    expect(rolled.state).toBe('rolled_back');
    const idx = await target.query(`SELECT 1 FROM pg_class WHERE relname = $1`, [rolled.indexName]);
    expect(idx.rowCount).toBe(0);
  });

  it('marks an apply whose worker died as failed (nothing stays applying)', async () => {
    const { abandonApply, listRecommendations, getRecommendation } = await import('@/server/queries/service');
    const { db } = await import('@/server/db');
    const p = (await listRecommendations(actor('viewer'), targetId, { states: ['proposed'] }))[0];
    expect(p).toBeDefined();
    await db().indexRecommendation.update({ where: { id: p.id }, data: { state: 'applying' } });
    await abandonApply(p.id);
    const r = await getRecommendation(actor('viewer'), p.id);
    expect(r.state).toBe('failed');
    expect(r.error).toContain('INVALID index');
  });
});

describe('REST reads and EXPLAIN', () => {
  it('lists slow queries with validated parameters and recommendations with tokens', async () => {
    const { GET } = await import('@/app/api/v1/targets/[id]/queries/route');
    const { GET: RECS } = await import('@/app/api/v1/targets/[id]/recommendations/route');
    const { createApiToken } = await import('@/server/users/service');
    const { token } = await createApiToken(actor('viewer'), { name: 'v3' });
    const call = (path: string, h: typeof GET, id = targetId) =>
      h(new Request(`http://127.0.0.1${path}`, { headers: { authorization: `Bearer ${token}` } }), { params: Promise.resolve({ id }) });
    const ok = await call(`/api/v1/targets/${targetId}/queries?sort=mean_time&window=7d&show=all`, GET);
    expect(ok.status).toBe(200);
    const body = await ok.json();
    expect(body.params).toMatchObject({ sort: 'mean_time', window: '7d', show: 'all' });
    const means = body.rows.map((r: { meanExecTimeMs: number }) => r.meanExecTimeMs);
    expect(means).toEqual([...means].sort((a: number, b: number) => b - a));
    const bad = await call(`/api/v1/targets/${targetId}/queries?sort=speed`, GET);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toContain('sort must be one of: total_time, mean_time, calls, p95');
    const recs = await call(`/api/v1/targets/${targetId}/recommendations?state=rolled_back`, RECS);
    expect((await recs.json()).data.map((r: { state: string }) => r.state)).toEqual(['rolled_back']);
    const missing = await call(`/api/v1/targets/nope/queries`, GET, 'nope');
    expect(missing.status).toBe(404);
  });

  it('shows a live generic plan to a viewer and runs EXPLAIN ANALYZE only for an approver, rolled back', async () => {
    const { explainQuery, runExplainAnalyze, listSlowQueries } = await import('@/server/queries/service');
    const { DEFAULT_SLOW_QUERY_PARAMS } = await import('@/server/queries/schema');
    const { db } = await import('@/server/db');
    const list = await listSlowQueries(actor('viewer'), targetId, { ...DEFAULT_SLOW_QUERY_PARAMS, show: 'all' });
    const row = list.rows.find((r) => /FROM leads WHERE status = \$1 AND created_at >= \$2/.test(r.query))!;
    const plan = await explainQuery(actor('viewer'), targetId, row.queryid);
    expect(plan.error).toBeNull();
    expect(plan.paramCount).toBe(5);
    expect(plan.suggestedParams).toHaveLength(5);
    expect(plan.findings.map((f) => f.kind)).toContain('seq_scan_filter');
    const input = { queryid: row.queryid, params: ['new', '2026-06-01T00:00:00Z', '2026-09-01T00:00:00Z', '20', '0'] };
    await expect(runExplainAnalyze(actor('operator'), targetId, input)).rejects.toMatchObject({ status: 403 });
    await expect(runExplainAnalyze(actor('approver'), targetId, { ...input, params: ['new'] })).rejects.toMatchObject({ status: 400 });
    const analyzed = await runExplainAnalyze(actor('approver'), targetId, input);
    expect(analyzed.analyzed).toBe(true);
    expect(analyzed.executionMs).toBeGreaterThan(0);
    expect(await db().auditLog.count({ where: { action: 'queries.explain_analyze' } })).toBe(1);
  });
});

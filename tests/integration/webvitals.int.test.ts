// The web-budgets service against the real Postgres: budgets (authorization, audit, conflicts, defaults), and one
// run executed end to end with one real Lighthouse run on an in-process page: stored metrics, judged failures,
// the gzip-compressed report, and the run's lifecycle.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from 'better-auth/crypto';
import { createTestDatabase, useTestEnv, type TestDatabase } from './helpers';

let tdb: TestDatabase;
let server: http.Server;
let baseUrl: string;

const SCRIPT = `document.body.dataset.ready = "1";\n${'//'.repeat(30_000)}\n`; // ~60 KB, served uncompressed
const HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>probe</title></head><body><h1>Web budgets probe</h1><p>Some text to paint.</p><script src="/app.js"></script></body></html>`;

const actor = (role: 'viewer' | 'operator' | 'admin') => ({ id: `${role}-id`, email: `${role}@t.local`, name: role, role, via: 'session' as const });

beforeAll(async () => {
  tdb = await createTestDatabase('webvitals');
  // Stands in for the console: a better-auth-like sign-in that checks the password against the database, a page that
  // needs the session cookie, one that redirects, one that does not exist.
  server = http.createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/api/auth/sign-in/email') {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        void (async () => {
          const { email, password } = JSON.parse(body) as { email: string; password: string };
          const { db } = await import('@/server/db');
          const user = await db().user.findUnique({ where: { email }, include: { accounts: true } });
          const hash = user?.accounts.find((a) => a.providerId === 'credential')?.password;
          const ok = !!hash && req.headers.origin === baseUrl && (await verifyPassword({ hash, password }));
          if (!ok) return void res.writeHead(401).end('{"message":"Invalid email or password"}');
          res.writeHead(200, { 'set-cookie': 'pd_session=ok; Path=/; HttpOnly', 'content-type': 'application/json' }).end('{}');
        })();
      });
      return;
    }
    if (req.url === '/app.js') {
      res.writeHead(200, { 'content-type': 'application/javascript' }).end(SCRIPT);
    } else if (req.url === '/login' || (req.url === '/overview' && (req.headers.cookie ?? '').includes('pd_session=ok'))) {
      res.writeHead(200, { 'content-type': 'text/html' }).end(HTML);
    } else if (req.url === '/overview' || req.url === '/targets') {
      res.writeHead(302, { location: '/login' }).end(); // no session, or a stale one: must not be measured
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  useTestEnv(tdb, { PERFDECK_URL: baseUrl });
  const { db } = await import('@/server/db');
  for (const r of ['viewer', 'operator', 'admin'] as const) {
    await db().user.create({ data: { id: `${r}-id`, email: `${r}@t.local`, name: r, role: r } });
  }
});

afterAll(async () => {
  const { db } = await import('@/server/db');
  const { closeQueues } = await import('@/server/jobs/queues');
  await closeQueues();
  await db().$disconnect();
  await new Promise<void>((r) => server?.close(() => r()));
  await tdb?.drop();
});

describe('budgets', () => {
  it('falls back to the documented defaults when none are stored, and seeds them idempotently', async () => {
    const svc = await import('@/server/webvitals/service');
    expect(await svc.loadEffectiveBudgets('mobile')).toMatchObject([{ pagePattern: '/*', formFactor: 'mobile', maxLcpMs: 2500 }]);
    expect(await svc.ensureDefaultBudgets()).toBe(2);
    expect(await svc.ensureDefaultBudgets()).toBe(0);
    const all = await svc.listBudgets(actor('viewer'));
    expect(all.map((b) => `${b.formFactor} ${b.pagePattern}`)).toEqual(['desktop /*', 'mobile /*']);
  });

  it('lets only admins change budgets, audits changes, and rejects duplicates and bad input', async () => {
    const svc = await import('@/server/webvitals/service');
    const { db } = await import('@/server/db');
    const input = { pagePattern: '/overview', formFactor: 'mobile', minPerformanceScore: 0.9, maxLcpMs: 3000, maxCls: 0.1, maxTbtMs: 300, maxScriptBytes: 40_000 };
    await expect(svc.saveBudget(actor('operator'), input)).rejects.toMatchObject({ status: 403 });
    await expect(svc.saveBudget(actor('admin'), { ...input, pagePattern: 'overview' })).rejects.toMatchObject({ status: 400 });

    const created = await svc.saveBudget(actor('admin'), input);
    expect(created).toMatchObject({ pagePattern: '/overview', maxScriptBytes: 40_000 });
    await expect(svc.saveBudget(actor('admin'), input)).rejects.toMatchObject({ status: 409 });

    const updated = await svc.saveBudget(actor('admin'), { ...input, id: created.id, maxLcpMs: 3500 });
    expect(updated.maxLcpMs).toBe(3500);
    const audit = await db().auditLog.findMany({ where: { entityType: 'web_budget' }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['webbudget.create', 'webbudget.update']);
    expect((audit[1].before as { maxLcpMs: number }).maxLcpMs).toBe(3000);
  });
});

describe('runs', () => {
  it('needs an operator to create a run', async () => {
    const svc = await import('@/server/webvitals/service');
    await expect(svc.createRun(actor('viewer'), { pages: ['/overview'] })).rejects.toMatchObject({ status: 403 });
    await expect(svc.createRun(actor('operator'), { pages: [] })).rejects.toMatchObject({ status: 400 });
  });

  it('audits, judges against the most specific budget, stores the result and its report', async () => {
    const svc = await import('@/server/webvitals/service');
    const run = await svc.createRun(actor('operator'), { formFactor: 'mobile', pages: ['/overview', '/targets'], commitSha: 'abc1234' });
    expect(run).toMatchObject({ status: 'queued', progress: 0, pages: ['/overview', '/targets'], createdById: 'operator-id' });

    const progress: number[] = [];
    const summary = await svc.executeRun(run.id, { baseUrl, cookie: 'pd_session=ok', runs: 1, progress: (f) => void progress.push(f) });
    // /targets redirects, so it is not audited and the run fails; /overview is stored.
    expect(summary.status).toBe('failed');
    expect(summary.pass).toBe(false);
    expect(progress.at(-1)).toBe(1);

    const overview = summary.outcomes.find((o) => o.page === '/overview');
    expect(overview?.ok).toBe(true);
    if (!overview?.ok) return;
    // The /overview budget (40 000 script bytes) governs, not the '/*' default, and the ~60 KB script breaches it.
    expect(overview.evaluation.budget?.pagePattern).toBe('/overview');
    expect(overview.result.scriptBytes!).toBeGreaterThan(SCRIPT.length);
    expect(overview.evaluation.failures.map((f) => f.auditId)).toContain('resource-summary:script:size');

    const detail = await svc.getRun(actor('viewer'), run.id);
    expect(detail).toMatchObject({ status: 'failed', progress: 1, resultCount: 1, failedCount: 1, commitSha: 'abc1234' });
    expect(detail.error).toMatch(/\/targets: Page redirected from \/targets to \/login/);
    expect(detail.finishedAt).not.toBeNull();
    const stored = detail.results[0];
    expect(stored).toMatchObject({ page: '/overview', formFactor: 'mobile', pass: false, runs: 1, medianRunIndex: 0 });
    expect(stored.scriptBytes).toBe(Math.round(overview.result.scriptBytes!));
    expect(stored.lcpMs).toBeGreaterThan(0);
    expect(stored.failures.map((f) => f.auditId)).toContain('resource-summary:script:size');

    const report = await svc.getResultReport(actor('viewer'), stored.id);
    const lhr = JSON.parse(report.lhrJson) as { lighthouseVersion: string; audits: Record<string, unknown> };
    expect(lhr.lighthouseVersion).toMatch(/^12\./);
    expect(lhr.audits['largest-contentful-paint']).toBeDefined();

    expect((await svc.getPageTrend(actor('viewer'), '/overview', 'mobile')).map((r) => r.id)).toEqual([stored.id]);
    expect((await svc.listLatestResults(actor('viewer'), 'mobile')).map((r) => r.page)).toEqual(['/overview']);
    expect((await svc.listRuns(actor('viewer'))).map((r) => r.id)).toContain(run.id);
  });

  it('refuses to execute a run twice, and abandoning only touches unfinished runs', async () => {
    const svc = await import('@/server/webvitals/service');
    const [done] = await svc.listRuns(actor('viewer'), { limit: 1 });
    await expect(svc.executeRun(done.id, { baseUrl })).rejects.toMatchObject({ status: 409 });

    const queued = await svc.createRun(actor('operator'), { pages: ['/overview'] });
    await svc.abandonRun(queued.id);
    await svc.abandonRun(done.id);
    expect((await svc.getRun(actor('viewer'), queued.id)).error).toMatch(/stopped before it finished/);
    expect((await svc.getRun(actor('viewer'), done.id)).error).toMatch(/redirected/);
  });
});

describe('the webvitals.audit job', () => {
  it('gives the gate a viewer whose password is fresh on every use', async () => {
    const { prepareGateCredentials, PERF_GATE_EMAIL } = await import('@/server/webvitals/gate-user');
    const { db } = await import('@/server/db');
    const first = await prepareGateCredentials({});
    const second = await prepareGateCredentials({});
    expect([first.email, second.email]).toEqual([PERF_GATE_EMAIL, PERF_GATE_EMAIL]);
    expect(second.password).not.toBe(first.password);
    const user = await db().user.findUniqueOrThrow({ where: { email: PERF_GATE_EMAIL }, include: { accounts: true } });
    expect(user.role).toBe('viewer');
    const hash = user.accounts[0].password!;
    expect(await verifyPassword({ hash, password: second.password })).toBe(true);
    expect(await verifyPassword({ hash, password: first.password })).toBe(false);
    expect(await prepareGateCredentials({ PERFDECK_PERF_EMAIL: 'a@b.c', PERFDECK_PERF_PASSWORD: 'x' })).toEqual({ email: 'a@b.c', password: 'x', source: 'env' });
    await expect(prepareGateCredentials({ PERFDECK_PERF_EMAIL: 'a@b.c' })).rejects.toThrow(/both/);
  });

  it('is queued by launchRun, signs in, skips pages that do not exist and stores the rest', async () => {
    const svc = await import('@/server/webvitals/service');
    const { getJobStatus } = await import('@/server/jobs/enqueue');
    await expect(svc.launchRun(actor('viewer'), {})).rejects.toMatchObject({ status: 403 });

    const run = await svc.launchRun(actor('operator'), { pages: ['/overview', '/missing'] });
    expect(run.jobId).toBeTruthy();
    expect(await getJobStatus(run.jobId!)).toMatchObject({ name: 'webvitals.audit', status: 'queued' });

    const fractions: number[] = [];
    const out = await svc.runAuditJob(run.id, { progress: async (f) => void fractions.push(f) });
    expect(out).toEqual({ status: 'succeeded', pass: false, pages: 1, failed: 1 }); // the /overview budget is 40 000 B
    expect(fractions.at(-1)).toBe(1);
    const detail = await svc.getRun(actor('viewer'), run.id);
    expect(detail).toMatchObject({ status: 'succeeded', pages: ['/overview'], resultCount: 1, error: null });
    expect(detail.results[0].lcpMs).toBeGreaterThan(0);
  });

  it('ends the run failed when sign-in fails', async () => {
    const svc = await import('@/server/webvitals/service');
    const run = await svc.createRun(actor('operator'), { pages: ['/overview'] });
    process.env.PERFDECK_PERF_EMAIL = 'nobody@t.local';
    process.env.PERFDECK_PERF_PASSWORD = 'wrong-password';
    try {
      await expect(svc.runAuditJob(run.id, { progress: async () => {} })).rejects.toThrow(/HTTP 401/);
    } finally {
      delete process.env.PERFDECK_PERF_EMAIL;
      delete process.env.PERFDECK_PERF_PASSWORD;
    }
    expect(await svc.getRun(actor('viewer'), run.id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/Sign-in as nobody@t.local failed/) });
  });
});

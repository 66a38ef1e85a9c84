// The reads the web-budgets page is built from (board, trends, run progress, compare) and the role filter of a run,
// against the real Postgres. No Lighthouse: results are stored through the repo as a finished run would store them.
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageResult } from '@/server/webvitals/schema';
import { createTestDatabase, useTestEnv, type TestDatabase } from './helpers';
import { samplePageResult as result } from '@/server/webvitals/fixtures/page-result';

let tdb: TestDatabase;
const actor = (role: 'viewer' | 'operator' | 'admin') => ({ id: `${role}-id`, email: `${role}@t.local`, name: role, role, via: 'session' as const });
const SYSTEM = { id: 'system', email: 'system@perfdeck', name: 'Perfdeck', role: 'admin' as const, via: 'system' as const };

async function storeRun(commitSha: string, results: PageResult[], formFactor: 'mobile' | 'desktop' = 'mobile') {
  const svc = await import('@/server/webvitals/service');
  const repo = await import('@/server/webvitals/repo');
  const run = await svc.createRun(SYSTEM, { formFactor, pages: results.map((r) => r.page), commitSha });
  const ids: Record<string, string> = {};
  for (const r of results) {
    const pass = (r.lcpMs ?? Infinity) <= 2500 && (r.score ?? 0) >= 0.95;
    ids[r.page] = (await repo.insertResult({ id: randomUUID(), runId: run.id, result: r, failures: [], pass, reportGz: gzipSync('{}') })).id;
  }
  await repo.updateRun(run.id, { status: 'succeeded', progress: 1, finishedAt: new Date() });
  return { runId: run.id, ids };
}

let first: Awaited<ReturnType<typeof storeRun>>;
let second: Awaited<ReturnType<typeof storeRun>>;

beforeAll(async () => {
  tdb = await createTestDatabase('webbudgetspage');
  useTestEnv(tdb);
  const { db } = await import('@/server/db');
  for (const r of ['viewer', 'operator', 'admin'] as const) await db().user.create({ data: { id: `${r}-id`, email: `${r}@t.local`, name: r, role: r } });
  first = await storeRun('1111111aaaa', [result('/overview', { lcpMs: 2000 }), result('/targets')]);
  await new Promise((r) => setTimeout(r, 15));
  second = await storeRun('2222222bbbb', [result('/overview', { lcpMs: 3000, score: 0.8 }), result('/login', { cls: 0.05 })]);
  await storeRun('3333333cccc', [result('/overview', { formFactor: 'desktop', lcpMs: 900 })], 'desktop');
});

afterAll(async () => {
  const { db } = await import('@/server/db');
  const { closeQueues } = await import('@/server/jobs/queues');
  await closeQueues();
  await db().$disconnect();
  await tdb?.drop();
});

describe('getBudgetBoard', () => {
  it("judges each page's latest result of the form factor against the defaults when no budget rows exist", async () => {
    const svc = await import('@/server/webvitals/service');
    const board = await svc.getBudgetBoard(actor('viewer'), 'mobile');
    expect(board.budgetsAreDefaults).toBe(true);
    expect(board.rows.map((r) => [r.result.page, r.commitSha, r.pass])).toEqual([
      ['/login', '2222222bbbb', false],
      ['/overview', '2222222bbbb', false],
      ['/targets', '1111111aaaa', true],
    ]);
    const overview = board.rows.find((r) => r.result.page === '/overview')!;
    expect(Object.keys(overview.failed).sort()).toEqual(['lcpMs', 'score']);
    expect(board.rows.find((r) => r.result.page === '/login')!.failed.cls).toMatchObject({ expected: 0.02, actual: 0.05 });
    const desktop = await svc.getBudgetBoard(actor('viewer'), 'desktop');
    expect(desktop.rows.map((r) => [r.result.page, r.result.lcpMs])).toEqual([['/overview', 900]]);
  });

  it("re-judges with today's budgets and says when the run's own verdict differed", async () => {
    const svc = await import('@/server/webvitals/service');
    await svc.ensureDefaultBudgets();
    await svc.saveBudget(actor('admin'), { pagePattern: '/overview', formFactor: 'mobile', minPerformanceScore: 0.5, maxLcpMs: 4000, maxCls: 0.1, maxTbtMs: 300, maxScriptBytes: 300_000 });
    const board = await svc.getBudgetBoard(actor('viewer'), 'mobile');
    expect(board.budgetsAreDefaults).toBe(false);
    const overview = board.rows.find((r) => r.result.page === '/overview')!;
    expect(overview).toMatchObject({ pass: true, recordedPass: false, budget: { pagePattern: '/overview' } });
  });

  it('refuses anyone not signed in and bad form factors', async () => {
    const svc = await import('@/server/webvitals/service');
    await expect(svc.getBudgetBoard(null as never, 'mobile')).rejects.toMatchObject({ status: 401 });
    await expect(svc.getBudgetBoard(actor('viewer'), 'tablet' as never)).rejects.toMatchObject({ status: 400 });
  });
});

describe('getPageTrends', () => {
  it('returns each page oldest first with its commit, leaving out pages without results', async () => {
    const svc = await import('@/server/webvitals/service');
    const trends = await svc.getPageTrends(actor('viewer'), 'mobile', ['/overview', '/targets', '/nowhere']);
    expect(Object.keys(trends).sort()).toEqual(['/overview', '/targets']);
    expect(trends['/overview'].map((p) => [p.commitSha, p.lcpMs])).toEqual([
      ['1111111aaaa', 2000],
      ['2222222bbbb', 3000],
    ]);
  });
});

describe('getRunProgress', () => {
  it('gives pages done, total and the page being audited, for the progress bar', async () => {
    const svc = await import('@/server/webvitals/service');
    const repo = await import('@/server/webvitals/repo');
    const run = await svc.createRun(actor('operator'), { pages: ['/login', '/overview', '/targets'] });
    expect((await svc.getRunProgress(actor('viewer'), run.id)).detail).toMatchObject({ pagesDone: 0, pagesTotal: 3, currentPage: null, finished: false });
    await repo.transitionRun(run.id, ['queued'], { status: 'running', progress: 4 / 9 });
    const p = await svc.getRunProgress(actor('viewer'), run.id);
    expect(p.detail).toMatchObject({ pagesDone: 1, currentPage: '/overview' });
    expect(p).not.toHaveProperty('results');
    await expect(svc.getRunProgress(actor('viewer'), 'no-such-run')).rejects.toMatchObject({ status: 404 });
  });
});

describe('compareRuns', () => {
  it('pairs the pages of two runs', async () => {
    const svc = await import('@/server/webvitals/service');
    const c = await svc.compareRuns(actor('viewer'), first.runId, second.runId);
    expect(c.pages.map((p) => p.page)).toEqual(['/login', '/overview', '/targets']);
    expect(c.pages[1].metrics.find((m) => m.key === 'lcpMs')).toMatchObject({ a: 2000, b: 3000, delta: 1000, verdict: 'worse' });
    expect(c.pages[1].bResultId).toBe(second.ids['/overview']);
    await expect(svc.compareRuns(actor('viewer'), first.runId, randomUUID())).rejects.toMatchObject({ status: 404 });
  });
});

describe('executeRun with a role', () => {
  it("drops pages the audit's session would only see a 'needs the admin role' notice on, and says so when none is left", async () => {
    const svc = await import('@/server/webvitals/service');
    const run = await svc.createRun(actor('operator'), { pages: ['/audit', '/settings/users'] });
    await expect(svc.executeRun(run.id, { baseUrl: 'http://127.0.0.1:9', role: 'viewer' })).rejects.toThrow(/\/audit, \/settings\/users need a role/);
    const after = await svc.getRun(actor('viewer'), run.id);
    expect(after).toMatchObject({ status: 'failed', resultCount: 0 });
    expect(after.error).toMatch(/viewer/);
  });
});

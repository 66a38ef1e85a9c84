import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { buildLeadSearchSql, parseLeadSearch } from '../demo/lead-query';
import { E2E_DEMO_DATABASE_URL, E2E_DEMO_PORT } from './env';
import { signIn } from './helpers';

// The Queries part of the demo tour: lead-search traffic against the demo target → Collect now → the lead search is
// the top slow query with a sequential-scan finding → Analyze workload → the leads(status, created_at …) index is
// recommended → an operator cannot approve (disabled, and the server refuses) → an approver approves, the build
// shows progress and ends applied. The demo database is left without secondary indexes for the next run.

test.describe.configure({ mode: 'serial' });

const DEMO = `http://127.0.0.1:${E2E_DEMO_PORT}`;
const STATUSES = ['new', 'contacted', 'closed', 'qualified', 'lost'];
const WINDOWS = [
  ['2026-06-01', '2026-08-31'],
  ['2026-03-01', '2026-05-31'],
  ['2025-09-01', '2025-11-30'],
];

async function resetDemo() {
  const { resetDemoIndexes, resetQueryStats } = await import('../demo/seed');
  await resetDemoIndexes(E2E_DEMO_DATABASE_URL);
  await resetQueryStats(E2E_DEMO_DATABASE_URL);
}

/** A bounded burst of lead searches against the demo API (200 requests, 4 at a time, 127.0.0.1 only). */
async function leadSearchTraffic(total = 200, concurrency = 4) {
  let next = 0;
  let ok = 0;
  const deadline = Date.now() + 60_000;
  const worker = async () => {
    while (next < total && Date.now() < deadline) {
      const i = next++;
      const [from, to] = WINDOWS[i % WINDOWS.length];
      const res = await fetch(`${DEMO}/api/v1/leads?status=${STATUSES[i % STATUSES.length]}&created_from=${from}&created_to=${to}`);
      await res.arrayBuffer();
      if (res.ok) ok++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return ok;
}

async function demoTargetId(request: APIRequestContext): Promise<string> {
  const res = await request.get('/api/v1/targets');
  const { data } = (await res.json()) as { data: { id: string; name: string }[] };
  return data.find((t) => t.name === 'Lead-gen demo')!.id;
}

async function waitForJob(request: APIRequestContext, jobId: string) {
  await expect
    .poll(async () => ((await (await request.get(`/api/v1/jobs/${jobId}`)).json()) as { status: string }).status, { timeout: 60_000 })
    .toMatch(/succeeded|failed/);
}

function leadsRecommendation(page: Page, state: string) {
  return page.locator(`[data-testid="recommendation"][data-kind="create"][data-table="leads"][data-state="${state}"]`).first();
}

test.beforeAll(async () => {
  await resetDemo();
});

test.afterAll(async () => {
  // The next run (and the load-test tour) starts from a demo database with primary keys only.
  await resetDemo();
});

test('an operator collects lead-search traffic: the lead search is the top slow query, with a seq scan finding', async ({ page }) => {
  await signIn(page, 'operator');
  const targetId = await demoTargetId(page.request);
  // A baseline snapshot first: the interval after it holds only this test's traffic (and no seed bulk load).
  const baseline = await page.request.post(`/api/v1/targets/${targetId}/queries/collect`);
  expect(baseline.status()).toBe(202);
  await waitForJob(page.request, (await baseline.json()).jobId);

  expect(await leadSearchTraffic()).toBe(200);
  // The application reports its timings too (what demo/query-tracker.ts sends): percentiles for the lead search.
  const q = parseLeadSearch(new URLSearchParams('status=new&created_from=2026-06-01&created_to=2026-08-31'));
  if (!q.ok) throw new Error('bad lead search');
  const sql = buildLeadSearchSql(q.value).rows.sql;
  const now = Date.now();
  const ingest = await page.request.post('/api/v1/queries', {
    data: { target: 'Lead-gen demo', samples: Array.from({ length: 50 }, (_, i) => ({ query: sql, durationMs: 40 + i, at: new Date(now - i * 100).toISOString() })) },
  });
  expect(ingest.status()).toBe(202);
  const bad = await page.request.post('/api/v1/queries', { data: { target: 'Lead-gen demo', samples: [{ query: sql, durationMs: 'fast' }] } });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error).toContain('samples[0].durationMs');

  await page.getByRole('link', { name: 'Queries' }).click();
  await expect(page).toHaveURL(/\/queries/);
  await expect(page.getByTestId('requirements')).toContainText('Ready');
  await page.getByTestId('collect-now').click();
  await expect(page.getByTestId('job-follower')).toBeVisible();
  await expect(page.getByTestId('job-follower').getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100', { timeout: 60_000 });

  const top = page.getByTestId('slow-query-row').first();
  await expect(top).toContainText('FROM leads WHERE status = $1 AND created_at >= $2');
  await expect(top.getByTestId('finding-badge').filter({ hasText: 'Seq scan on leads' })).toBeVisible();
  await expect(top).toContainText('samples'); // p50 / p95 / p99 from the reported timings
  // sorting is validated and query-string driven
  await page.getByTestId('sort-calls').click();
  await expect(page).toHaveURL(/sort=calls/);
  await page.goto(`/queries?target=${targetId}&sort=speed`);
  await expect(page.getByText('Ignored in the address: sort must be one of')).toBeVisible();

  // the statement page: the plan viewer flags the seq scan node
  await page.getByTestId('slow-query-row').first().getByRole('link').first().click();
  await expect(page.getByTestId('statement-sql')).toContainText('FROM leads WHERE status = $1');
  const scan = page.getByTestId('plan-viewer').locator('[data-testid="plan-node"][data-flagged="yes"]').first();
  await expect(scan).toContainText('Seq Scan on leads');
  await expect(scan.getByTestId('plan-finding')).toContainText('estimated to keep');
  await expect(page.getByRole('button', { name: 'Run EXPLAIN ANALYZE' })).toBeDisabled(); // approvers only
});

test('an operator analyzes the workload and gets leads(status, created_at …); approving is not theirs', async ({ page }) => {
  await signIn(page, 'operator');
  await page.goto('/queries');
  await page.getByTestId('analyze-workload').click();
  await expect(page.getByTestId('job-follower')).toBeVisible();
  await expect(page.getByTestId('job-follower').getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100', { timeout: 60_000 });
  const rec = leadsRecommendation(page, 'proposed');
  await expect(rec.getByTestId('recommendation-title')).toContainText(/^leads \(status, created_at/);
  await expect(rec.getByTestId('recommendation-ddl')).toContainText('CREATE INDEX CONCURRENTLY');
  await expect(rec.getByTestId('helped-queries')).toContainText('FROM leads WHERE status = $1');
  await expect(page.getByTestId('analysis-summary')).toContainText('succeeded');

  const approve = rec.getByTestId('approve-recommendation');
  await expect(approve).toBeDisabled();
  await expect(rec.getByTestId('approve-disabled-reason')).toHaveText('Needs the approver role (you are an operator)');
  const id = await rec.getAttribute('data-rec-id');
  const refused = await page.request.post(`/api/v1/recommendations/${id}/approve`);
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error).toContain('approver');
  const still = await (await page.request.get(`/api/v1/recommendations/${id}`)).json();
  expect(still.state).toBe('proposed');

  const sqlFile = await page.request.get(`/api/v1/recommendations/${id}/migration?format=sql`);
  expect(sqlFile.headers()['content-disposition']).toMatch(/attachment; filename=".*add_index_leads_status_created_at.*\.sql"/);
  expect(await sqlFile.text()).toContain('CREATE INDEX CONCURRENTLY IF NOT EXISTS');
});

test('an approver approves: the index is built with progress and the state shows applied', async ({ page }) => {
  await signIn(page, 'approver');
  await page.goto('/queries');
  const rec = leadsRecommendation(page, 'proposed');
  const id = await rec.getAttribute('data-rec-id');
  await rec.getByTestId('approve-recommendation').click();
  const card = page.locator(`[data-testid="recommendation"][data-rec-id="${id}"]`);
  await expect(card.getByTestId('job-follower')).toBeVisible();
  await expect(card.getByTestId('job-follower').getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100', { timeout: 60_000 });
  await expect(card.getByTestId('job-follower')).toContainText('Apply finished');
  await expect(card).toHaveAttribute('data-state', 'applied');
  await expect(card.getByTestId('recommendation-state')).toHaveText('applied');
  await expect(card.getByTestId('apply-result')).toContainText('the plans use the index');
  await card.getByText(/^History/).click();
  await expect(card.getByTestId('recommendation-history')).toContainText('approved → applying');
  await expect(card.getByTestId('recommendation-history')).toContainText('applying → applied');
  await expect(card.getByTestId('recommendation-history')).toContainText('approver@e2e.local');

  const dto = await (await page.request.get(`/api/v1/recommendations/${id}`)).json();
  expect(dto.state).toBe('applied');
  expect(dto.progress).toBe(1);
  expect(dto.result.after.some((c: { usesIndex: boolean }) => c.usesIndex)).toBe(true);
});

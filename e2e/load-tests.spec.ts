import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { signIn } from './helpers';

// Load tests through the built console, its workers and the demo target ("Lead-gen demo"): a scenario made from a
// preset, a run watched live over SSE and stopped, pinned as the baseline, a second run compared with it; a viewer
// cannot launch (disabled button, replayed server action refused, REST 403). Runs are short (≤ 8 s) and gentle.

const SEARCH = '/api/v1/leads?status=new&created_from=2026-06-01&created_to=2026-08-31';

async function numberIn(page: Page, testId: string): Promise<number> {
  return Number(((await page.getByTestId(testId).textContent()) ?? '').replace(/[^0-9.]/g, '') || 'NaN');
}

test('an operator builds a scenario from a preset, watches a run live, stops it, pins it and compares the next run', async ({ page }) => {
  test.setTimeout(150_000);
  const name = `e2e smoke ${Date.now().toString(36)}`;
  await signIn(page, 'operator');
  await page.getByRole('link', { name: 'Load tests' }).click();
  await expect(page.getByTestId('scenario-lead search')).toBeVisible(); // the seeded scenario on the demo target
  await page.getByRole('link', { name: 'New scenario' }).click();

  // From the "baseline" preset, made short and gentle; a bad weight first, to see the field explained.
  await page.getByLabel('Target').selectOption({ label: 'Lead-gen demo' });
  await page.getByLabel('Start from a preset').selectOption('baseline');
  await page.getByLabel('Scenario name').fill(name);
  await page.getByLabel('Endpoint 1 name').fill('search');
  await page.getByLabel('Endpoint 1 path').fill(SEARCH);
  await page.getByLabel('Endpoint 1 weight').fill('0');
  await page.getByLabel('Rate (req/s)').fill('10');
  await page.getByLabel('Duration (s)').fill('8');
  await page.getByRole('button', { name: 'Create scenario' }).click();
  await expect(page.getByTestId('form-errors')).toContainText('endpoints.0.weight: weight must be a whole number ≥ 1');
  await expect(page.getByTestId('endpoint-row-0').getByTestId('field-error')).toHaveText('weight must be a whole number ≥ 1');
  await expect(page.getByLabel('Endpoint 1 path')).toHaveValue(SEARCH); // nothing typed is lost
  await page.getByLabel('Endpoint 1 weight').fill('1');
  await page.getByRole('button', { name: 'Create scenario' }).click();
  await expect(page).toHaveURL(/\/load-tests\/scenarios\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { name })).toBeVisible();

  // Launch and watch it live: progress moves, RPS numbers and chart points arrive over SSE.
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page).toHaveURL(/\/load-tests\/runs\/[0-9a-f-]{36}$/);
  const runUrl = page.url();
  await expect(page.getByTestId('live-run')).toBeVisible();
  await expect(page.getByTestId('live-connection')).toHaveText('streaming');
  await expect.poll(() => numberIn(page, 'live-rps'), { timeout: 30_000 }).toBeGreaterThan(0);
  await expect.poll(async () => Number(await page.getByTestId('run-charts').getAttribute('data-points')), { timeout: 15_000 }).toBeGreaterThan(0);
  await expect(page.getByTestId('chart-throughput').locator('.recharts-wrapper')).toBeVisible();
  await expect(page.getByTestId('live-progress').getByRole('progressbar')).not.toHaveAttribute('aria-valuenow', '0');
  await expect(page.getByTestId('live-progress')).toContainText(/steady · 10 req\/s · \d+ of 8 s/);

  // Stop it: the page turns into the stored run.
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByTestId('finished-run')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('run-status')).toContainText('stopped');
  await page.reload();
  await expect(page.getByTestId('finished-run')).toBeVisible();
  expect(await numberIn(page, 'summary-requests')).toBeGreaterThan(0);
  await expect(page.getByTestId('endpoint-search')).toBeVisible();
  const csv = await page.request.get(`${runUrl.replace('/load-tests/runs/', '/api/v1/runs/')}/export?format=csv`);
  expect(csv.status()).toBe(200);
  expect((await csv.text()).split('\r\n')[0]).toBe('second,endpoint,requests,failed,status_2xx,status_3xx,status_4xx,status_5xx,error_timeout,error_connect,error_reset,error_other,p50_ms,p95_ms,p99_ms,max_ms,late_starts,dropped');

  // Pin it as the baseline, run again, and read the comparison.
  await page.getByRole('button', { name: 'Pin as baseline' }).click();
  await expect(page.getByTestId('run-status')).toContainText('baseline');
  await page.getByRole('button', { name: 'Run again' }).click();
  await expect(page).not.toHaveURL(runUrl);
  await expect(page.getByTestId('live-run')).toBeVisible();
  await expect(page.getByTestId('finished-run')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('run-status')).toContainText(/passed|failed/);
  await expect(page.getByTestId('baseline-comparison')).toBeVisible();
  await expect(page.getByTestId('verdict')).toHaveText(/improved|unchanged|regressed/);
  await expect(page.getByTestId('delta-search')).toBeVisible();
  await expect(page.getByTestId('distribution-chart')).toBeVisible();

  // Both runs are listed on the scenario, the first marked as the baseline.
  await page.getByRole('link', { name, exact: true }).click();
  await expect(page.getByTestId('scenario-run')).toHaveCount(2);
  await expect(page.getByTestId('scenario-run').filter({ hasText: 'baseline' })).toHaveCount(1);
});

test('the k6 export downloads a script; an operator is refused beyond the caps of the role', async ({ page }) => {
  await signIn(page, 'operator');
  await page.goto('/load-tests');
  await page.getByTestId('scenario-endurance').getByRole('link', { name: 'endurance' }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-k6').click()]);
  expect(download.suggestedFilename()).toBe('endurance.k6.js');
  const script = await readFile((await download.path())!, 'utf8');
  expect(script).toContain("import http from 'k6/http'");
  expect(script).toContain('ramping-arrival-rate');
  // The 30-minute soak is beyond an operator's 10 minutes: refused with the reason (and audited on the server).
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByTestId('form-error')).toHaveText('Refused: this scenario lasts 30 min; the operator role may run at most 10 min.');
  await expect(page).toHaveURL(/\/load-tests\/scenarios\//);
});

test('a viewer sees Run disabled, and the server refuses the launch action replayed and the REST launch', async ({ page, browser }) => {
  // Capture what an operator's click on Run sends, without letting it reach the server.
  const opCtx = await browser.newContext();
  const op = await opCtx.newPage();
  await signIn(op, 'operator');
  await op.goto('/load-tests');
  await op.getByTestId('scenario-lead search').getByRole('link', { name: 'lead search' }).click();
  await op.waitForURL(/\/load-tests\/scenarios\/[0-9a-f-]{36}$/);
  const scenarioUrl = op.url();
  let captured: { headers: Record<string, string>; body: string } | null = null;
  await op.route(scenarioUrl, async (route) => {
    const req = route.request();
    if (req.method() === 'POST' && req.headers()['next-action']) {
      captured = { headers: req.headers(), body: req.postData() ?? '' };
      await route.abort();
    } else await route.continue();
  });
  await op.getByRole('button', { name: 'Run', exact: true }).click();
  await expect.poll(() => captured !== null).toBe(true);
  await opCtx.close();

  await signIn(page, 'viewer');
  await page.goto(scenarioUrl);
  await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeDisabled();
  await expect(page.getByTestId('launch-disabled-reason')).toContainText('needs the operator role');
  const scenarioId = scenarioUrl.split('/').pop()!;
  const before = (await (await page.request.get(`/api/v1/scenarios/${scenarioId}/runs`)).json()).length as number;
  const c = captured!;
  const replay = await page.request.post(scenarioUrl, {
    headers: { 'next-action': c.headers['next-action'], accept: 'text/x-component', 'content-type': c.headers['content-type'] ?? 'text/plain;charset=UTF-8' },
    data: c.body,
  });
  expect(await replay.text()).toContain('needs the operator role');
  const api = await page.request.post(`/api/v1/scenarios/${scenarioId}/runs`, { data: { shards: 1 } });
  expect(api.status()).toBe(403);
  expect((await api.json()).error).toMatch(/needs the operator role/);
  const after = (await (await page.request.get(`/api/v1/scenarios/${scenarioId}/runs`)).json()).length as number;
  expect(after).toBe(before);
});

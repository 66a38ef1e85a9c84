import { execFileSync } from 'node:child_process';
import { expect, test, type Page } from '@playwright/test';
import { e2eServerEnv } from './env';
import { signIn } from './helpers';
import type { SeededRuns } from './web-budgets-seed';

// Stored results are seeded through the webvitals service/repo in a separate Node process (the same database the
// console uses); one real Lighthouse run is launched from the UI and followed to the end.
let seeded: SeededRuns;

test.beforeAll(() => {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'e2e/web-budgets-seed.ts'], { env: { ...e2eServerEnv(), NODE_ENV: 'test' }, encoding: 'utf8' });
  seeded = JSON.parse(out.trim().split('\n').pop()!);
});

const row = (page: Page, path: string) => page.getByTestId(`result-mobile-${path}`);

test('a viewer reads the latest results against their budgets, with form factor, commit, breaches, opportunities and reports', async ({ page }) => {
  await signIn(page, 'viewer');
  await page.getByRole('link', { name: 'Web budgets' }).click();
  await expect(page).toHaveURL(/\/web-budgets$/);
  await expect(page.getByRole('heading', { name: /Mobile · latest result per page/ })).toBeVisible();
  await expect(page.getByText(/Lighthouse mobile: Moto G Power screen/).first()).toBeVisible();

  const overview = row(page, '/overview');
  await expect(overview).toContainText('3,100 ms'); // the latest run, not the older one
  await expect(overview).toContainText('fail');
  await expect(overview).toContainText('bbbbbbb');
  await expect(overview.getByTestId('breached-limit')).toContainText(['min 95', 'max 2,500 ms']);
  const targets = row(page, '/targets');
  await expect(targets).toContainText('pass');
  await expect(targets.getByTestId('breached-limit')).toHaveCount(0);
  await expect(page.getByTestId('opportunities-/overview')).toContainText('Reduce unused JavaScript');

  // The stored median report, decompressed, behind the viewer's session
  const report = await page.request.get(`/api/v1/web-budgets/results/${seeded.overviewResultId}/report`);
  expect(report.status()).toBe(200);
  expect((await report.json()).e2eMarker).toBe('bbbbbbb2222222/overview');
  expect((await page.request.get('/api/v1/web-budgets/results/nope/report')).status()).toBe(404);

  // Read-only budgets, no launching
  await expect(page.getByTestId('budget-mobile-/*')).toContainText('2,500 ms');
  await expect(page.getByText('Edit', { exact: true })).toHaveCount(0);
  await expect(page.getByTestId('add-budget')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Run Lighthouse' })).toBeDisabled();
  await expect(page.getByTestId('launch-disabled-reason')).toContainText('needs the operator role');

  // Charts are below the fold and load only when scrolled to; their boxes are there (fixed height) from the start.
  const charts = page.getByTestId('trend-charts');
  await expect(charts).toHaveAttribute('data-loaded', 'no');
  const box = await charts.locator('figure').first().boundingBox();
  await charts.scrollIntoViewIfNeeded();
  await expect(charts).toHaveAttribute('data-loaded', 'yes');
  await expect(charts.locator('figure svg').first()).toBeVisible();
  expect((await charts.locator('figure').first().boundingBox())?.height).toBe(box?.height);
});

test('the compare view shows both runs per page with coloured deltas, and answers bad ids with a message', async ({ page }) => {
  await signIn(page, 'viewer');
  await page.goto(`/web-budgets/compare?a=${seeded.before}&b=${seeded.after}`);
  const overview = page.getByTestId('compare-/overview');
  await expect(overview).toContainText('1,900 ms');
  await expect(overview).toContainText('3,100 ms');
  await expect(overview.locator('[data-verdict="worse"]', { hasText: 'ms' })).toHaveText('+1,200 ms worse'); // LCP
  await expect(overview.locator('[data-verdict="worse"]', { hasText: /^−18/ })).toBeVisible(); // score 99 → 81
  await expect(page.getByTestId('compare-/targets').locator('[data-verdict="same"]').first()).toBeVisible();

  const bad = await page.goto('/web-budgets/compare?a=not-a-run&b=also-bad');
  expect(bad?.status()).toBe(200);
  await expect(page.getByText('Run A “not-a-run” is not a run id.')).toBeVisible();
  await page.goto(`/web-budgets/compare?a=${seeded.before}&b=00000000-0000-4000-8000-000000000000`);
  await expect(page.getByText(/One of the runs does not exist/)).toBeVisible();
  // the picker is a plain GET form
  await page.getByLabel('Run B (after)').selectOption(seeded.after);
  await page.getByLabel('Run A (before)').selectOption(seeded.before);
  await page.getByRole('button', { name: 'Compare' }).click();
  await expect(page).toHaveURL(new RegExp(`a=${seeded.before}&b=${seeded.after}`));
  await expect(page.getByTestId('compare-/overview')).toBeVisible();
});

test('an operator launches a run of one page from the UI, follows its progress to the end, and the page shows it', async ({ page, browser }) => {
  test.setTimeout(180_000);
  await signIn(page, 'operator');
  await page.goto('/web-budgets');
  // Only /login: three Lighthouse runs of one page keep this test to ~30 s.
  for (const cb of await page.getByRole('group', { name: 'Pages' }).getByRole('checkbox').all()) {
    if ((await cb.getAttribute('value')) !== '/login') await cb.uncheck();
  }
  const [actionReq] = await Promise.all([
    page.waitForRequest((r) => r.method() === 'POST' && !!r.headers()['next-action']),
    page.getByRole('button', { name: 'Run Lighthouse' }).click(),
  ]);
  const live = page.getByTestId('live-run');
  await expect(live.getByRole('progressbar')).toBeVisible();
  await expect(live).toContainText(/of 1 page/);
  await expect(page.getByTestId('run-status')).toContainText('Run finished: 1 page audited (mobile)', { timeout: 150_000 });
  await expect(row(page, '/login')).toBeVisible(); // refreshed once the run ended
  await expect(page.getByRole('row').filter({ hasText: 'succeeded' }).first()).toContainText('1/1');

  // A viewer replaying the same server-action POST is refused by the server, not just by the disabled button.
  const ctx = await browser.newContext();
  const viewer = await ctx.newPage();
  await signIn(viewer, 'viewer');
  const res = await viewer.request.post('/web-budgets', {
    headers: { 'next-action': actionReq.headers()['next-action'], accept: 'text/x-component', 'content-type': actionReq.headers()['content-type'] ?? 'text/plain;charset=UTF-8' },
    data: actionReq.postDataBuffer() ?? '',
  });
  expect(await res.text()).toContain('needs the operator role');
  await ctx.close();
});

test('an admin adds, edits and deletes a budget; a bad value is shown beside its field', async ({ page }) => {
  await signIn(page, 'admin');
  await page.goto('/web-budgets');
  const add = page.getByTestId('add-budget');
  await add.getByLabel('Page pattern').fill('/overview');
  await add.getByLabel('Min score (0–100)').fill('150');
  await add.getByLabel('Max LCP (ms)').fill('fast');
  await add.getByRole('button', { name: 'Add budget' }).click();
  await expect(add.getByText('The minimum score must be from 0 to 100')).toBeVisible();
  await expect(add.getByText('The LCP limit must be a number')).toBeVisible();
  await expect(add.getByLabel('Min score (0–100)')).toHaveAttribute('aria-invalid', 'true');
  await expect(add.getByLabel('Page pattern')).toHaveValue('/overview'); // nothing typed is lost
  await expect(page.getByTestId('budget-mobile-/overview')).toHaveCount(0);
  await expect(add.getByRole('button', { name: 'Add budget' })).toBeEnabled(); // the answer has fully landed

  await add.getByLabel('Min score (0–100)').fill('80');
  await add.getByLabel('Max LCP (ms)').fill('3500');
  await add.getByRole('button', { name: 'Add budget' }).click();
  await expect(add.getByTestId('form-success')).toContainText('Saved the mobile budget for /overview');
  const budgetRow = page.getByTestId('budget-mobile-/overview');
  await expect(budgetRow).toContainText('3,500 ms');
  // The stricter /overview budget now judges /overview: its 3,100 ms LCP and 81 score pass.
  await expect(row(page, '/overview')).toContainText('pass');
  await expect(row(page, '/overview')).toContainText('failed the budgets of its day');

  // Same pattern twice is refused beside the pattern field
  await add.getByLabel('Page pattern').fill('/overview');
  await add.getByRole('button', { name: 'Add budget' }).click();
  await expect(add.getByText('A budget for this pattern and form factor exists')).toBeVisible();
  await expect(add.getByRole('button', { name: 'Add budget' })).toBeEnabled();

  // Edit: a bad CLS is refused beside the field, a good one saved
  await budgetRow.getByText('Edit').click();
  await budgetRow.getByLabel('Max CLS').fill('-1');
  await budgetRow.getByRole('button', { name: 'Save budget' }).click();
  await expect(budgetRow.getByText('The CLS limit must be from 0 to 10')).toBeVisible();
  await expect(budgetRow.getByRole('button', { name: 'Save budget' })).toBeEnabled();
  await budgetRow.getByLabel('Max CLS').fill('0.05');
  await budgetRow.getByRole('button', { name: 'Save budget' }).click();
  await expect(page.getByTestId('budget-mobile-/overview')).toContainText('0.050');

  // The edit panel is still open after saving (a <details> keeps its state across the refresh).
  const del = page.getByTestId('budget-mobile-/overview').getByRole('button', { name: 'Delete budget' });
  if (!(await del.isVisible())) await page.getByTestId('budget-mobile-/overview').getByText('Edit').click();
  await del.click();
  await expect(page.getByTestId('budget-mobile-/overview')).toHaveCount(0);
  await page.goto('/audit');
  await expect(page.getByText('webbudget.delete').first()).toBeVisible();
});

test('admin-only pages explain themselves to other roles instead of failing', async ({ page }) => {
  await signIn(page, 'operator');
  for (const path of ['/audit', '/settings/users']) {
    const res = await page.goto(path);
    expect(res?.status()).toBe(200);
    await expect(page.getByTestId('admin-only')).toContainText('This page needs the admin role; you are an operator.');
  }
});

// Seeds two finished Lighthouse runs (mobile) straight through the webvitals service and repo, so the web-budgets
// spec can check stored results, breaches, opportunities, reports and the compare view without waiting for Lighthouse.
// Runs in its own Node process (node --import tsx), pointed at the e2e database by e2eServerEnv().
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { SYSTEM_ACTOR } from '../server/auth/roles';
import { db } from '../server/db';
import * as repo from '../server/webvitals/repo';
import type { PageResult } from '../server/webvitals/schema';
import { createRun } from '../server/webvitals/service';
import { samplePageResult as result } from '../server/webvitals/fixtures/page-result';

export interface SeededRuns {
  before: string;
  after: string;
  overviewResultId: string;
}

async function seedRun(commitSha: string, results: PageResult[]): Promise<{ runId: string; ids: Record<string, string> }> {
  const run = await createRun(SYSTEM_ACTOR, { formFactor: 'mobile', pages: results.map((r) => r.page), commitSha });
  const ids: Record<string, string> = {};
  for (const r of results) {
    // The stored verdict is what the run judged at the time; the page re-judges against today's budgets anyway.
    const failures = (r.lcpMs ?? 0) > 2500 ? [{ auditId: 'largest-contentful-paint', expected: 2500, actual: r.lcpMs, message: 'LCP over budget' }] : [];
    const report = JSON.stringify({ lighthouseVersion: '12.8.2', requestedUrl: r.url, finalDisplayedUrl: r.url, audits: {}, e2eMarker: `${commitSha}${r.page}` });
    const stored = await repo.insertResult({ id: randomUUID(), runId: run.id, result: r, failures, pass: failures.length === 0, reportGz: gzipSync(report) });
    ids[r.page] = stored.id;
  }
  await repo.updateRun(run.id, { status: 'succeeded', progress: 1, startedAt: new Date(), finishedAt: new Date() });
  return { runId: run.id, ids };
}

export async function seedWebBudgetRuns(): Promise<SeededRuns> {
  const before = await seedRun('aaaaaaa1111111', [result('/overview', { lcpMs: 1900 }), result('/targets', {})]);
  // Ensure "after" is strictly newer, so it is the latest result per page.
  await new Promise((r) => setTimeout(r, 20));
  const after = await seedRun('bbbbbbb2222222', [
    result('/overview', {
      lcpMs: 3100,
      score: 0.81,
      opportunities: [{ id: 'unused-javascript', title: 'Reduce unused JavaScript', savingsMs: 450, savingsBytes: 52_000 }],
    }),
    result('/targets', { tbtMs: 70 }),
  ]);
  return { before: before.runId, after: after.runId, overviewResultId: after.ids['/overview'] };
}

if (process.argv[1]?.endsWith('web-budgets-seed.ts')) {
  try {
    process.stdout.write(`${JSON.stringify(await seedWebBudgetRuns())}\n`);
  } finally {
    await db().$disconnect();
  }
}

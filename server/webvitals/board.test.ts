import { describe, expect, it } from 'vitest';
import { buildBoard, metricOfAudit } from './board';
import { DEFAULT_BUDGET_LIMITS, type Budget, type LighthouseResultDto } from './schema';

function result(page: string, over: Partial<LighthouseResultDto> = {}): LighthouseResultDto {
  return {
    id: `id-${page}`,
    runId: 'run-1',
    page,
    formFactor: 'mobile',
    score: 0.99,
    lcpMs: 1500,
    cls: 0,
    tbtMs: 50,
    fcpMs: 800,
    siMs: 900,
    scriptBytes: 150_000,
    totalBytes: 250_000,
    opportunities: [],
    failures: [],
    runs: 3,
    medianRunIndex: 0,
    pass: true,
    createdAt: '2026-12-01T00:00:00.000Z',
    ...over,
  };
}
const all: Budget = { pagePattern: '/*', formFactor: 'mobile', ...DEFAULT_BUDGET_LIMITS };

describe('buildBoard', () => {
  it('judges each latest result against the most specific budget now, and marks the metric that broke it', () => {
    const strictOverview: Budget = { ...all, pagePattern: '/overview', maxLcpMs: 1000 };
    const rows = buildBoard(
      [result('/targets'), result('/overview', { runId: 'run-2', cls: 0.06 })],
      [all, strictOverview],
      new Map([['run-2', 'abc1234']]),
      'mobile',
    );
    expect(rows.map((r) => r.result.page)).toEqual(['/overview', '/targets']);
    const [overview, targets] = rows;
    expect(overview.budget?.pagePattern).toBe('/overview');
    expect(overview.pass).toBe(false);
    expect(Object.keys(overview.failed).sort()).toEqual(['cls', 'lcpMs']);
    expect(overview.failed.lcpMs).toMatchObject({ expected: 1000, actual: 1500 });
    expect(overview.commitSha).toBe('abc1234');
    // recorded as passing when its run finished; the budget has changed since
    expect(overview.recordedPass).toBe(true);
    expect(targets).toMatchObject({ pass: true, failures: [], recordedPass: null, commitSha: null });
    expect(targets.budget?.pagePattern).toBe('/*');
  });

  it('an unmeasured metric fails rather than passing as 0', () => {
    const [row] = buildBoard([result('/x', { lcpMs: null })], [all], new Map(), 'mobile');
    expect(row.pass).toBe(false);
    expect(row.failed.lcpMs?.actual).toBeNull();
  });

  it('a page no budget covers passes with no budget, and other form factors are left out', () => {
    const rows = buildBoard([result('/x'), result('/y', { formFactor: 'desktop' })], [{ ...all, pagePattern: '/other' }], new Map(), 'mobile');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ budget: null, pass: true });
  });

  it('maps every asserted audit to a table column', () => {
    expect(['categories:performance', 'largest-contentful-paint', 'cumulative-layout-shift', 'total-blocking-time', 'resource-summary:script:size'].map(metricOfAudit)).toEqual([
      'score',
      'lcpMs',
      'cls',
      'tbtMs',
      'scriptBytes',
    ]);
    expect(metricOfAudit('speed-index')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { COMPARED_METRICS, compareRunResults, judgeDelta } from './compare';
import type { LighthouseResultDto, LighthouseRunDetailDto } from './schema';

const spec = (key: string) => COMPARED_METRICS.find((m) => m.key === key)!;

function result(page: string, over: Partial<LighthouseResultDto> = {}): LighthouseResultDto {
  return {
    id: `r-${page}-${Math.random()}`,
    runId: 'x',
    page,
    formFactor: 'mobile',
    score: 0.95,
    lcpMs: 2000,
    cls: 0.01,
    tbtMs: 150,
    fcpMs: 900,
    siMs: 1200,
    scriptBytes: 150_000,
    totalBytes: 300_000,
    opportunities: [],
    failures: [],
    runs: 3,
    medianRunIndex: 1,
    pass: true,
    createdAt: '2026-12-01T00:00:00.000Z',
    ...over,
  };
}

function run(id: string, results: LighthouseResultDto[], over: Partial<LighthouseRunDetailDto> = {}): LighthouseRunDetailDto {
  return {
    id,
    status: 'succeeded',
    progress: 1,
    commitSha: null,
    formFactor: 'mobile',
    pages: results.map((r) => r.page),
    jobId: null,
    startedAt: null,
    finishedAt: null,
    error: null,
    createdById: null,
    createdAt: '2026-12-01T00:00:00.000Z',
    resultCount: results.length,
    failedCount: 0,
    results,
    ...over,
  };
}

describe('judgeDelta', () => {
  it('a higher score is better, a higher LCP/CLS/TBT/script is worse', () => {
    expect(judgeDelta(spec('score'), 0.9, 0.95).verdict).toBe('better');
    expect(judgeDelta(spec('score'), 0.95, 0.9).verdict).toBe('worse');
    expect(judgeDelta(spec('lcpMs'), 2000, 2400)).toEqual({ key: 'lcpMs', a: 2000, b: 2400, delta: 400, verdict: 'worse' });
    expect(judgeDelta(spec('lcpMs'), 2400, 2000).verdict).toBe('better');
    expect(judgeDelta(spec('cls'), 0.001, 0.06).verdict).toBe('worse');
    expect(judgeDelta(spec('tbtMs'), 300, 100).verdict).toBe('better');
    expect(judgeDelta(spec('tbtMs'), 100, 150).verdict).toBe('same');
    expect(judgeDelta(spec('scriptBytes'), 150_000, 200_000).verdict).toBe('worse');
  });

  it('changes within the noise band are "same", at the band edge too', () => {
    expect(judgeDelta(spec('lcpMs'), 2000, 2200).verdict).toBe('same');
    expect(judgeDelta(spec('lcpMs'), 2000, 2201).verdict).toBe('worse');
    expect(judgeDelta(spec('score'), 0.95, 0.97).verdict).toBe('same'); // 0.97 - 0.95 is 0.020000000000000018
    expect(judgeDelta(spec('score'), 0.95, 0.98).verdict).toBe('better');
    expect(judgeDelta(spec('scriptBytes'), 150_000, 150_500).verdict).toBe('same');
    expect(judgeDelta(spec('tbtMs'), 100, 100)).toMatchObject({ delta: 0, verdict: 'same' });
  });

  it('an unmeasured side has no delta and no verdict', () => {
    expect(judgeDelta(spec('lcpMs'), null, 2000)).toEqual({ key: 'lcpMs', a: null, b: 2000, delta: null, verdict: null });
    expect(judgeDelta(spec('lcpMs'), 2000, null).verdict).toBeNull();
  });
});

describe('compareRunResults', () => {
  it('pairs pages across runs, keeps pages only one run has, and counts verdicts', () => {
    const a = run('a', [result('/overview', { lcpMs: 2000, score: 0.9 }), result('/login')]);
    const b = run('b', [result('/overview', { lcpMs: 2600, score: 0.97, id: 'rb' }), result('/targets')], { formFactor: 'mobile', commitSha: 'abc1234' });
    const c = compareRunResults(a, b);
    expect(c.pages.map((p) => p.page)).toEqual(['/login', '/overview', '/targets']);
    const overview = c.pages[1];
    expect(overview.bResultId).toBe('rb');
    expect(overview.metrics.find((m) => m.key === 'lcpMs')).toMatchObject({ delta: 600, verdict: 'worse' });
    expect(overview.metrics.find((m) => m.key === 'score')?.verdict).toBe('better');
    const login = c.pages[0];
    expect(login.bResultId).toBeNull();
    expect(login.bPass).toBeNull();
    expect(login.metrics.every((m) => m.verdict === null)).toBe(true);
    // overview: score better, lcp worse, cls/tbt/script same
    expect(c.summary).toEqual({ better: 1, worse: 1, same: 3 });
    expect(c.sameFormFactor).toBe(true);
    expect(c.b.commitSha).toBe('abc1234');
  });

  it('flags runs of different form factors', () => {
    const c = compareRunResults(run('a', [result('/x')]), run('b', [result('/x', { formFactor: 'desktop' })], { formFactor: 'desktop' }));
    expect(c.sameFormFactor).toBe(false);
  });
});

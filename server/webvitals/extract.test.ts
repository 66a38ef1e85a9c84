import { describe, expect, it } from 'vitest';
// A real Lighthouse 12.8.2 mobile LHR (Chromium 156) of a tiny page, trimmed to the audits we read.
import fixture from './fixtures/lhr-mobile.trimmed.json';
import { extractOpportunities, extractPageResult, LighthouseRuntimeError, resourceTransferSize, type Lhr } from './extract';
import { pageResultSchema } from './schema';

const clone = (): Lhr => structuredClone(fixture) as Lhr;

describe('extractPageResult', () => {
  it('reads score, metrics and transfer sizes from a real LHR', () => {
    const r = extractPageResult(clone(), { page: '/overview', formFactor: 'mobile', runs: 3, medianRunIndex: 2 });
    expect(pageResultSchema.parse(r)).toEqual(r);
    expect(r).toMatchObject({
      page: '/overview',
      url: 'http://127.0.0.1:4000/overview',
      formFactor: 'mobile',
      runs: 3,
      medianRunIndex: 2,
      score: 1,
      tbtMs: 0,
      scriptBytes: 14260,
      totalBytes: 15637,
    });
    expect(r.lcpMs).toBeCloseTo(614.686, 2);
    expect(r.fcpMs).toBeCloseTo(614.686, 2);
    expect(r.siMs).toBeCloseTo(614.686, 2);
    expect(r.cls).toBeCloseTo(0.0161, 4);
  });

  it('defaults runs and median index to a single run', () => {
    const r = extractPageResult(clone(), { page: '/x', formFactor: 'desktop' });
    expect([r.runs, r.medianRunIndex, r.formFactor]).toEqual([1, 0, 'desktop']);
  });

  it('reports errored metrics and a null score as null rather than 0', () => {
    const lhr = clone();
    lhr.categories.performance = { score: null };
    lhr.audits['largest-contentful-paint'] = { id: 'largest-contentful-paint', score: null, errorMessage: 'NO_LCP' };
    delete lhr.audits['resource-summary'];
    const r = extractPageResult(lhr, { page: '/x', formFactor: 'mobile' });
    expect(r.score).toBeNull();
    expect(r.lcpMs).toBeNull();
    expect(r.scriptBytes).toBeNull();
    expect(r.totalBytes).toBe(17014); // falls back to total-byte-weight
  });

  it('throws a LighthouseRuntimeError when the page could not be audited', () => {
    const lhr = clone();
    lhr.runtimeError = { code: 'NO_FCP', message: 'The page did not paint any content.' };
    expect(() => extractPageResult(lhr, { page: '/x', formFactor: 'mobile' })).toThrow(LighthouseRuntimeError);
    expect(() => extractPageResult(lhr, { page: '/x', formFactor: 'mobile' })).toThrow(/NO_FCP|did not paint/);
  });
});

describe('resourceTransferSize', () => {
  it('returns null for an absent resource type', () => {
    expect(resourceTransferSize(clone(), 'script')).toBe(14260);
    expect(resourceTransferSize(clone(), 'websocket')).toBeNull();
  });
});

describe('extractOpportunities', () => {
  it('keeps only opportunities with savings, biggest time saving first, then bytes', () => {
    const lhr = clone();
    lhr.audits['render-blocking-resources']!.details!.overallSavingsMs = 300;
    lhr.audits['unused-javascript']!.details = { type: 'opportunity', overallSavingsMs: 150, overallSavingsBytes: 40_000 };
    const ops = extractOpportunities(lhr);
    expect(ops).toEqual([
      { id: 'render-blocking-resources', title: 'Eliminate render-blocking resources', savingsMs: 300, savingsBytes: 0 },
      { id: 'unused-javascript', title: 'Reduce unused JavaScript', savingsMs: 150, savingsBytes: 40_000 },
      { id: 'unminified-javascript', title: 'Minify JavaScript', savingsMs: 0, savingsBytes: 14005 },
      { id: 'uses-text-compression', title: 'Enable text compression', savingsMs: 0, savingsBytes: 13941 },
    ]);
    expect(extractOpportunities(lhr, 2).map((o) => o.id)).toEqual(['render-blocking-resources', 'unused-javascript']);
  });

  it('uses metricSavings when overallSavingsMs is absent and skips non-opportunities', () => {
    const lhr: Lhr = {
      categories: { performance: { score: 0.5 } },
      audits: {
        a: { title: 'A', details: { type: 'opportunity' }, metricSavings: { LCP: 120, FCP: 80 } },
        b: { title: 'B', details: { type: 'table' }, metricSavings: { TBT: 500 } },
        c: { title: 'C', scoreDisplayMode: 'notApplicable', details: { type: 'opportunity', overallSavingsMs: 999 } },
      },
    };
    expect(extractOpportunities(lhr)).toEqual([{ id: 'a', title: 'A', savingsMs: 120, savingsBytes: 0 }]);
  });
});

import { describe, expect, it } from 'vitest';
import { formatGateLine, gatePageLine, GateUsageError, isBuildStale, parseGateArgs, summarizeGate, type GatePageOutcome } from './gate';
import type { PageResult } from './schema';

const result = (over: Partial<PageResult> = {}): PageResult => ({
  page: '/overview',
  url: 'http://127.0.0.1:3210/overview',
  formFactor: 'mobile',
  runs: 3,
  score: 0.9712,
  lcpMs: 1834.56,
  cls: 0.01234,
  tbtMs: 120.4,
  fcpMs: 900,
  siMs: 1000,
  scriptBytes: 180_000.4,
  totalBytes: 300_000,
  opportunities: [],
  medianRunIndex: 0,
  ...over,
});

describe('parseGateArgs', () => {
  it('defaults to 3 mobile runs of every page, building and storing, on port 3210', () => {
    expect(parseGateArgs([])).toEqual({ runs: 3, formFactor: 'mobile', pages: undefined, json: false, build: true, baseUrl: undefined, store: true, port: 3210 });
  });

  it('reads every flag', () => {
    expect(parseGateArgs(['--runs', '5', '--form-factor', 'desktop', '--pages', '/a,/b', '--json', '--no-build', '--no-store', '--port', '4000'])).toEqual({
      runs: 5,
      formFactor: 'desktop',
      pages: '/a,/b',
      json: true,
      build: false,
      baseUrl: undefined,
      store: false,
      port: 4000,
    });
  });

  it('never builds against --base-url and keeps only its origin', () => {
    const a = parseGateArgs(['--base-url', 'http://127.0.0.1:3000/overview']);
    expect([a.build, a.baseUrl]).toEqual([false, 'http://127.0.0.1:3000']);
  });

  it('takes the port from PERF_PORT unless --port is given', () => {
    expect(parseGateArgs([], { PERF_PORT: '3999' }).port).toBe(3999);
    expect(parseGateArgs(['--port', '4001'], { PERF_PORT: '3999' }).port).toBe(4001);
  });

  it.each([
    [['--runs', '0']],
    [['--runs', 'x']],
    [['--form-factor', 'tablet']],
    [['--base-url', 'not a url']],
    [['--base-url', 'ftp://h']],
    [['--port', '70000']],
    [['--bogus']],
    [['stray']],
  ])('rejects %j', (argv) => {
    expect(() => parseGateArgs(argv)).toThrow(GateUsageError);
  });
});

describe('isBuildStale', () => {
  it('is stale without a build or when a source is newer', () => {
    expect(isBuildStale(null, 0)).toBe(true);
    expect(isBuildStale(1000, 1001)).toBe(true);
    expect(isBuildStale(1000, 1000)).toBe(false);
    expect(isBuildStale(1000, 999)).toBe(false);
  });
});

describe('gate output', () => {
  const ok: GatePageOutcome = { page: '/overview', result: result(), pass: true, failures: [] };
  const slow: GatePageOutcome = {
    page: '/targets',
    result: result({ page: '/targets', score: 0.81, scriptBytes: 300_000 }),
    pass: false,
    failures: [{ auditId: 'categories:performance', expected: 0.95, actual: 0.81, message: 'Performance score 81 is below the minimum 95' }],
  };
  const broken: GatePageOutcome = { page: '/audit', result: null, pass: false, failures: [], error: 'NO_FCP' };

  it('prints one rounded JSON line per page', () => {
    expect(gatePageLine(ok)).toEqual({ page: '/overview', score: 0.97, lcpMs: 1835, cls: 0.012, tbtMs: 120, scriptBytes: 180000, pass: true });
    expect(gatePageLine(broken)).toEqual({ page: '/audit', score: null, lcpMs: null, cls: null, tbtMs: null, scriptBytes: null, pass: false, error: 'NO_FCP' });
  });

  it('summarizes pages, failures, the worst score and the largest script size', () => {
    expect(summarizeGate([ok, slow, broken])).toEqual({ pages: 3, failed: 2, minScore: 0.81, maxScriptBytes: 300000 });
    expect(summarizeGate([])).toEqual({ pages: 0, failed: 0, minScore: null, maxScriptBytes: null });
  });

  it('formats human lines with the breaches underneath', () => {
    expect(formatGateLine(ok)).toMatch(/^✓ \/overview .*score {2}97 .*JS 175\.8 KB$/);
    expect(formatGateLine(slow)).toContain('\n    - Performance score 81 is below the minimum 95');
    expect(formatGateLine(broken)).toBe('✗ /audit  not audited: NO_FCP');
  });
});

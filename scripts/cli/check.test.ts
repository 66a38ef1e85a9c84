import { describe, expect, it } from 'vitest';
import type { LoadRunDto } from '../../server/loadtest/types';
import { checkOutcome, formatSummary, parseCheckArgs, progressLine, UsageError } from './check';

const pct = (p: number) => ({ p50: p / 2, p90: p * 0.9, p95: p, p99: p * 1.2, p999: p * 1.3, max: p * 2, mean: p / 2, count: 100 });

function runDto(over: Partial<LoadRunDto> = {}): LoadRunDto {
  const scope = { requests: 100, failed: 0, errorRate: 0, rps: 10, status: { '2xx': 100, '3xx': 0, '4xx': 0, '5xx': 0 }, errors: { timeout: 0, connect: 0, reset: 0, other: 0 }, responseTimeMs: pct(40), serviceTimeMs: pct(30) };
  return {
    id: '11111111-2222-3333-4444-555555555555',
    scenarioId: 's',
    scenarioName: 'lead search',
    targetId: 't',
    targetName: 'Lead-gen demo',
    baseUrl: 'http://127.0.0.1:4010',
    status: 'passed',
    finished: true,
    stage: null,
    progress: 1,
    shardCount: 1,
    expectedSeconds: 10,
    lastSecond: 9,
    startAt: null,
    startedAt: null,
    finishedAt: null,
    createdAt: '2026-12-04T00:00:00.000Z',
    createdBy: null,
    spec: {} as LoadRunDto['spec'],
    summary: { ...scope, elapsedSec: 10, seconds: 10, lateStarts: 0, dropped: 0, byEndpoint: { search: scope } },
    assertions: [{ assertion: { metric: 'p95', op: '<', value: 500 }, actual: 40, passed: true, message: 'p95 < 500 ms: passed (actual 40 ms)' }],
    verdict: null,
    baselineRunId: null,
    isBaseline: false,
    error: null,
    shards: [],
    ...over,
  };
}

describe('parseCheckArgs', () => {
  it('needs a scenario and a token (flag or PERFDECK_API_TOKEN), with sensible defaults', () => {
    expect(() => parseCheckArgs([], {})).toThrow(UsageError);
    expect(() => parseCheckArgs(['--scenario', 'lead search'], {})).toThrow(/--token is required/);
    expect(parseCheckArgs(['--scenario', 'lead search', '--token', 'pd_x'], {})).toEqual({
      scenario: 'lead search',
      token: 'pd_x',
      url: 'http://127.0.0.1:3000',
      target: null,
      shards: 1,
      timeoutSec: null,
      json: false,
    });
    const a = parseCheckArgs(['--scenario', 'x', '--url', 'http://c:3000/', '--shards', '2', '--timeout', '10m', '--json'], { PERFDECK_API_TOKEN: 'pd_env' });
    expect(a).toMatchObject({ token: 'pd_env', url: 'http://c:3000', shards: 2, timeoutSec: 600, json: true });
    expect(parseCheckArgs(['--help'], {})).toBe('help');
  });

  it('explains bad values', () => {
    const base = ['--scenario', 'x', '--token', 't'];
    expect(() => parseCheckArgs([...base, '--url', 'ftp://x'], {})).toThrow(/--url must be an http\(s\) URL/);
    expect(() => parseCheckArgs([...base, '--shards', '0'], {})).toThrow(/--shards must be a whole number from 1 to 16/);
    expect(() => parseCheckArgs([...base, '--timeout', 'soon'], {})).toThrow(/--timeout must be a duration/);
    expect(() => parseCheckArgs([...base, '--bogus'], {})).toThrow(UsageError);
  });
});

describe('checkOutcome', () => {
  it('passes a passed run that did not regress', () => {
    expect(checkOutcome(runDto())).toEqual({ exitCode: 0, reasons: [] });
    expect(checkOutcome(runDto({ verdict: { verdict: 'improved', headline: 'improved: search p95 50 → 3 ms' } as LoadRunDto['verdict'] })).exitCode).toBe(0);
  });

  it('fails on a failed assertion, a regression, or a run that did not complete', () => {
    const failed = runDto({ status: 'failed', assertions: [{ assertion: { metric: 'p95', op: '<', value: 10 }, actual: 40, passed: false, message: 'p95 < 10 ms: failed (actual 40 ms)' }] });
    expect(checkOutcome(failed)).toEqual({ exitCode: 1, reasons: ['assertion p95 < 10 ms: failed (actual 40 ms)'] });
    const regressed = runDto({ verdict: { verdict: 'regressed', headline: 'regressed: search p95 3.0 → 50.0 ms (+1566.7%)' } as LoadRunDto['verdict'] });
    expect(checkOutcome(regressed)).toEqual({ exitCode: 1, reasons: ['regressed against the baseline: search p95 3.0 → 50.0 ms (+1566.7%)'] });
    expect(checkOutcome(runDto({ status: 'partial', error: 'shard 1 stopped reporting' })).reasons).toEqual(['the run ended partial: shard 1 stopped reporting']);
    expect(checkOutcome(runDto({ status: 'failed', assertions: [], error: 'shard 0: host not allowed' })).reasons).toEqual(['the run failed: shard 0: host not allowed']);
    expect(checkOutcome(runDto({ status: 'stopped' })).exitCode).toBe(1);
  });
});

describe('output', () => {
  it('prints a table per scope, the assertions and the baseline note', () => {
    const text = formatSummary(runDto());
    expect(text).toMatch(/^run 11111111-.* · lead search on Lead-gen demo · passed/);
    expect(text).toMatch(/overall\s+100\s+10\.0\s+0\.00%\s+20\.0\s+36\.0\s+40\.0\s+48\.0\s+80\.0/);
    expect(text).toMatch(/search\s+100/);
    expect(text).toContain('✓ p95 < 500 ms: passed (actual 40 ms)');
    expect(text).toContain('no baseline pinned');
    expect(progressLine(runDto({ status: 'running', stage: 'steady · 15 req/s', progress: 0.5, lastSecond: 4 }))).toBe('[ 50%] steady · 15 req/s · 5/10 s · 100 req · p95 40.0 ms · errors 0.00%');
  });
});

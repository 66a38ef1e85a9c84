import { describe, expect, it } from 'vitest';
import { checkAllowList, checkCaps, peakLoad, ROLE_CAPS } from './limits';
import { parseScenarioSpec, scenarioPresets, type ScenarioSpec } from './schema';

const spec = (over: Record<string, unknown> = {}): ScenarioSpec =>
  parseScenarioSpec({
    endpoints: [{ name: 'a', method: 'GET', path: '/api/v1/leads?status=new', weight: 1 }],
    model: { kind: 'open', rate: 10 },
    durationSec: 30,
    timeoutMs: 5000,
    maxConnections: 50,
    ...over,
  });

describe('peakLoad', () => {
  it('takes the highest stage target, or the model when there are no stages', () => {
    expect(peakLoad(spec())).toEqual({ kind: 'open', peakRate: 10, peakVus: null, durationSec: 30 });
    const stepped = spec({ stages: [{ durationSec: 10, target: 300 }, { durationSec: 20, target: 50 }] });
    expect(peakLoad(stepped).peakRate).toBe(300);
    expect(peakLoad(spec({ model: { kind: 'closed', vus: 40, thinkTimeMs: 0 } })).peakVus).toBe(40);
  });
});

describe('checkCaps', () => {
  it('lets an operator run every short preset and refuses the 30-minute soak with a reason', () => {
    for (const p of scenarioPresets([{ name: 'a', method: 'GET', path: '/' }])) {
      const problems = checkCaps(p.spec, 1, 'operator');
      if (p.name === 'endurance') expect(problems).toEqual(['this scenario lasts 30 min; the operator role may run at most 10 min']);
      else expect(problems, p.name).toEqual([]);
      expect(checkCaps(p.spec, 1, 'admin')).toEqual([]);
    }
  });

  it('names every cap exceeded, per role, and refuses viewers outright', () => {
    const big = spec({ model: { kind: 'open', rate: 800 }, durationSec: 900, maxConnections: 2000 });
    expect(checkCaps(big, 5, 'operator')).toEqual([
      'this scenario peaks at 800 req/s; the operator role may run at most 500 req/s',
      'this scenario lasts 15 min; the operator role may run at most 10 min',
      'this scenario allows 2000 connections; the operator role may open at most 1000',
      '5 shards requested; the operator role may split a run into at most 4',
    ]);
    expect(checkCaps(big, 5, 'admin')).toEqual([]);
    expect(checkCaps(spec({ model: { kind: 'closed', vus: 201, thinkTimeMs: 0 }, maxConnections: 201 }), 1, 'approver')).toEqual([
      'this scenario peaks at 201 virtual users; the approver role may run at most 200',
    ]);
    expect(checkCaps(spec(), 1, 'viewer')).toEqual(['viewers cannot launch load tests (needs the operator role)']);
    // exactly at the cap is allowed
    expect(checkCaps(spec({ model: { kind: 'open', rate: ROLE_CAPS.operator.maxRate }, durationSec: ROLE_CAPS.operator.maxDurationSec }), 4, 'operator')).toEqual([]);
  });
});

describe('checkAllowList', () => {
  it("accepts paths on the target's host, under its base path", () => {
    const r = checkAllowList('http://127.0.0.1:4010/base/', spec());
    expect(r).toEqual({ host: '127.0.0.1', problems: [] });
  });

  it('refuses protocol-relative and backslash paths that would leave the host', () => {
    const s = spec({
      endpoints: [
        { name: 'ok', method: 'GET', path: '/fine', weight: 1 },
        { name: 'evil', method: 'GET', path: '//evil.example/x', weight: 1 },
        { name: 'bs', method: 'GET', path: '/\\evil.example', weight: 1 },
      ],
    });
    const r = checkAllowList('http://127.0.0.1:4010', s);
    expect(r.problems.map((p) => p.field)).toEqual(['endpoints.1.path', 'endpoints.2.path']);
    expect(r.problems[0].message).toMatch(/requests only go to 127\.0\.0\.1/);
  });

  it('refuses a target base URL that is not http(s)', () => {
    expect(checkAllowList('ftp://x/', spec()).problems[0].field).toBe('baseUrl');
    expect(checkAllowList('not a url', spec()).problems[0].message).toMatch(/not a valid URL/);
  });
});

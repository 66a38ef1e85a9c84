import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { describeSpecErrors, parseScenarioSpec, scenarioPresets, scenarioSpecSchema, secondSnapshotSchema, type ScenarioSpecInput } from './schema';

const valid: ScenarioSpecInput = {
  endpoints: [
    { name: 'list', method: 'GET', path: '/api/items', weight: 3 },
    { name: 'create', method: 'POST', path: '/api/items', body: '{"n": {{seq}}, "who": "{{vu}}"}', headers: { Authorization: 'Bearer x' }, weight: 1 },
  ],
  model: { kind: 'open', rate: 50 },
  durationSec: 20,
  timeoutMs: 2000,
  maxConnections: 20,
};

function messages(input: unknown): string[] {
  const r = scenarioSpecSchema.safeParse(input);
  return r.success ? [] : describeSpecErrors(r.error);
}

describe('scenario spec validation', () => {
  it('accepts a valid spec and fills defaults', () => {
    const s = parseScenarioSpec(valid);
    expect(s.stages).toEqual([]);
    expect(s.assertions).toEqual([]);
  });

  it('explains bad weights, methods, paths and headers in plain words', () => {
    const bad = (patch: object) => messages({ ...valid, endpoints: [{ ...valid.endpoints[0], ...patch }] });
    expect(bad({ weight: 0 })).toEqual(['endpoints.0.weight: weight must be a whole number ≥ 1']);
    expect(bad({ weight: 1.5 })).toEqual(['endpoints.0.weight: weight must be a whole number ≥ 1']);
    expect(bad({ method: 'FETCH' })[0]).toContain('method must be one of GET, POST');
    expect(bad({ path: 'api' })[0]).toContain('path must start with "/"');
    expect(bad({ path: '/a b' })[0]).toContain('spaces');
    expect(bad({ path: '/café' })[0]).toContain('percent-encode');
    expect(bad({ headers: { 'X-A': 'a\r\nInjected: 1' } })[0]).toContain('line breaks');
    expect(bad({ headers: { Host: 'x' } })[0]).toContain('set by the load engine');
    expect(bad({ headers: { 'Bad Name': 'x' } })[0]).toContain('not a valid HTTP header name');
    expect(bad({ body: '{"a":' })[0]).toContain('body must be JSON');
  });

  it('checks the model, stages and cross-field rules', () => {
    expect(messages({ ...valid, model: { kind: 'open', rate: 0 } })).toEqual(['model.rate: rate (requests per second) must be greater than 0']);
    expect(messages({ ...valid, model: { kind: 'closed', vus: 2.5, thinkTimeMs: 0 } })[0]).toContain('virtual users (vus) must be a whole number ≥ 1');
    expect(messages({ ...valid, model: { kind: 'spiky' } })[0]).toContain('model kind must be "closed"');
    expect(messages({ ...valid, stages: [{ durationSec: 5, target: 10 }] })).toEqual(['durationSec: duration must equal the sum of the stage durations (5 s)']);
    expect(messages({ ...valid, endpoints: [valid.endpoints[0], valid.endpoints[0]] })[0]).toContain('used twice');
    expect(messages({ ...valid, endpoints: [] })).toEqual(['endpoints: add at least one endpoint']);
    expect(messages({ ...valid, assertions: [{ metric: 'p95', endpoint: 'nope', op: '<', value: 1 }] })[0]).toContain('unknown endpoint "nope"');
    expect(messages({ ...valid, assertions: [{ metric: 'errorRate', op: '<', value: 5 }] })[0]).toContain('fraction between 0 and 1');
    expect(messages({ ...valid, assertions: [{ metric: 'p42', op: '<', value: 5 }] })[0]).toContain('metric must be one of');
    expect(messages({ ...valid, timeoutMs: 0 })[0]).toContain('request timeout (ms) must be a whole number ≥ 1');
    expect(
      messages({ ...valid, model: { kind: 'closed', vus: 2, thinkTimeMs: 0 }, stages: [{ durationSec: 20, target: 2.5 }] })[0],
    ).toContain('whole number of virtual users');
  });

  it('throws a ZodError from parseScenarioSpec', () => {
    expect(() => parseScenarioSpec({})).toThrow(ZodError);
  });
});

describe('presets', () => {
  const presets = scenarioPresets([{ name: 'home', method: 'GET', path: '/' }, { name: 'quote', method: 'POST', path: '/quote', body: '{"age": 30}', weight: 2 }]);

  it('offers the six presets, all valid specs', () => {
    expect(presets.map((p) => p.name)).toEqual(['baseline', 'peak', 'burst', 'sustained', 'stress', 'endurance']);
    for (const p of presets) expect(() => parseScenarioSpec(p.spec)).not.toThrow();
  });

  it('keeps demo-machine defaults small (≤ 60 s, ≤ 200 rps) except endurance, which is longer', () => {
    for (const p of presets) {
      const peakRate = p.spec.model.kind === 'open' ? Math.max(p.spec.model.rate, ...p.spec.stages.map((s) => s.target)) : 0;
      expect(peakRate).toBeLessThanOrEqual(200);
      if (p.name === 'endurance') {
        expect(p.spec.durationSec).toBeGreaterThan(60);
        expect(p.description).toMatch(/longer/i);
      } else expect(p.spec.durationSec).toBeLessThanOrEqual(60);
    }
  });

  it('stress uses stepped stages and keeps endpoint weights', () => {
    const stress = presets.find((p) => p.name === 'stress')!.spec;
    const targets = [...new Set(stress.stages.map((s) => s.target))];
    expect(targets.length).toBeGreaterThanOrEqual(3);
    expect(targets).toEqual([...targets].sort((a, b) => a - b));
    expect(stress.endpoints.map((e) => e.weight)).toEqual([1, 2]);
  });
});

describe('SecondSnapshot schema', () => {
  it('validates snapshots received from workers', () => {
    const ep = { requests: 1, status: { '2xx': 1, '3xx': 0, '4xx': 0, '5xx': 0 }, errors: { timeout: 0, connect: 0, reset: 0, other: 0 }, hist: 'x', svcHist: 'y' };
    const snap = { second: 0, requests: 1, byEndpoint: { a: ep }, overall: ep, lateStarts: 0, dropped: 0, activeVus: null, targetRate: 5, shard: { index: 0, count: 1 } };
    expect(secondSnapshotSchema.parse(snap)).toEqual(snap);
    expect(secondSnapshotSchema.safeParse({ ...snap, second: -1 }).success).toBe(false);
  });
});

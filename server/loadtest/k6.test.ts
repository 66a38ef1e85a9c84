import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chooseTimeUnit, exportK6Script, k6Options, k6Thresholds } from './k6';
import { parseMetricKey, parseThresholdExpression, validateThresholds } from './k6-threshold';
import { parseScenarioSpec, scenarioPresets, type ScenarioSpec, type ScenarioSpecInput } from './schema';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('k6 threshold grammar', () => {
  it('accepts valid expressions per metric type', () => {
    expect(parseThresholdExpression('p(95)<500', 'trend')).toEqual({ aggregation: 'p', percentile: 95, op: '<', value: 500 });
    expect(parseThresholdExpression(' p(99.9) <= 1e3 ', 'trend')).toMatchObject({ percentile: 99.9, op: '<=', value: 1000 });
    for (const e of ['avg<200', 'min>=0', 'max<3000', 'med!=5', 'p(0)<1', 'p(100)<1']) expect(() => parseThresholdExpression(e, 'trend')).not.toThrow();
    expect(parseThresholdExpression('rate<0.01', 'rate')).toMatchObject({ aggregation: 'rate', value: 0.01 });
    expect(parseThresholdExpression('count<1', 'counter').aggregation).toBe('count');
    expect(parseThresholdExpression('rate>50', 'counter').op).toBe('>');
    expect(parseThresholdExpression('value===3', 'gauge').op).toBe('===');
    expect(parseThresholdExpression('rate>-.5', 'rate').value).toBe(-0.5);
  });

  it('rejects aggregations of the wrong metric type and malformed expressions', () => {
    const bad: [string, 'trend' | 'rate' | 'counter' | 'gauge'][] = [
      ['rate<0.01', 'trend'],
      ['p(95)<500', 'rate'],
      ['avg<1', 'counter'],
      ['count<1', 'gauge'],
      ['value<1', 'trend'],
      ['p(101)<5', 'trend'],
      ['p95<5', 'trend'],
      ['p(95)<', 'trend'],
      ['p(95)=<5', 'trend'],
      ['p(95)<5ms', 'trend'],
      ['<5', 'trend'],
      ['p(95)<5 and avg<2', 'trend'],
      ['', 'rate'],
    ];
    for (const [e, t] of bad) expect(() => parseThresholdExpression(e, t), `${e} as ${t}`).toThrow();
  });

  it('parses metric keys with tag filters', () => {
    expect(parseMetricKey('http_req_duration{endpoint:list}')).toEqual({ metric: 'http_req_duration', tags: { endpoint: 'list' } });
    expect(parseMetricKey('http_reqs{a:1,b:x y}').tags).toEqual({ a: '1', b: 'x y' });
    for (const k of ['http_req_duration{endpoint:list', 'http_req_duration{}', 'http_req_duration{endpoint}', '9metric', 'http_reqs{a:b:c}'])
      expect(() => parseMetricKey(k), k).toThrow();
  });

  it('validates whole thresholds blocks', () => {
    expect(validateThresholds({ http_req_duration: ['p(95)<500', { threshold: 'max<900', abortOnFail: true, delayAbortEval: '10s' }] })).toEqual([]);
    expect(validateThresholds({ nope: ['rate<1'] })).toEqual(['nope: unknown metric "nope"']);
    expect(validateThresholds({ http_req_failed: ['p(95)<1'] })[0]).toContain('not an aggregation of a rate metric');
    expect(validateThresholds({ http_req_failed: [{ threshold: 'rate<0.1', delayAbortEval: 'soon' }] })[0]).toContain('delayAbortEval');
    expect(validateThresholds({ my_trend: ['p(90)<1'] }, { my_trend: 'trend' })).toEqual([]);
  });
});

const base: ScenarioSpecInput = {
  endpoints: [
    { name: 'list', method: 'GET', path: '/api/items', weight: 2 },
    { name: 'create', method: 'POST', path: '/api/items', body: '{"n": {{seq}}}', weight: 1 },
  ],
  model: { kind: 'open', rate: 100 },
  durationSec: 30,
  timeoutMs: 2000,
  maxConnections: 30,
  assertions: [
    { metric: 'p95', op: '<', value: 300 },
    { metric: 'p99', endpoint: 'create', op: '<=', value: 800, abortOnFail: true },
    { metric: 'errorRate', op: '<', value: 0.01 },
    { metric: 'rps', op: '>', value: 50 },
    { metric: 'max', endpoint: 'list', op: '<', value: 2000 },
  ],
};

describe('k6 export', () => {
  it('maps assertions to thresholds (all valid per our grammar)', () => {
    const t = k6Thresholds(parseScenarioSpec(base));
    expect(t).toEqual({
      http_req_duration: ['p(95)<300'],
      'http_req_duration{endpoint:create}': [{ threshold: 'p(99)<=800', abortOnFail: true, delayAbortEval: '5s' }],
      http_req_failed: ['rate<0.01'],
      http_reqs: ['rate>50'],
      'http_req_duration{endpoint:list}': ['max<2000'],
      dropped_iterations: ['count<1'],
    });
    expect(validateThresholds(t)).toEqual([]);
  });

  it('open model: one ramping-arrival-rate scenario per endpoint, targets × weight, exact mix', () => {
    const spec = parseScenarioSpec({ ...base, stages: [{ durationSec: 10, target: 300 }, { durationSec: 20, target: 300 }] });
    const s = k6Options(spec).scenarios as Record<string, Record<string, unknown>>;
    expect(Object.keys(s)).toEqual(['ep_0_list', 'ep_1_create']);
    // 100 req/s × 2/3 = 66.6̅/s is not whole per second: expressed as 2000 per 30 s (stage 300 × 2/3 → 6000 per 30 s).
    expect(s.ep_0_list).toMatchObject({ executor: 'ramping-arrival-rate', exec: 'ep_0', timeUnit: '30s', startRate: 2000, maxVUs: 20 });
    expect(s.ep_0_list.stages).toEqual([{ duration: '10s', target: 6000 }, { duration: '20s', target: 6000 }]);
    expect(s.ep_1_create).toMatchObject({ exec: 'ep_1', timeUnit: '30s', startRate: 1000, maxVUs: 10 });
    const script = exportK6Script(spec);
    expect(script).toContain('export function ep_0()');
    expect(script).toContain('export function ep_1()');
  });

  it('closed model: ramping-vus with the spec stages', () => {
    const spec = parseScenarioSpec({ ...base, model: { kind: 'closed', vus: 5, thinkTimeMs: 250 }, stages: [{ durationSec: 10, target: 20 }, { durationSec: 20, target: 20 }] });
    const o = k6Options(spec);
    expect(o.scenarios).toEqual({
      main: { executor: 'ramping-vus', startVUs: 5, stages: [{ duration: '10s', target: 20 }, { duration: '20s', target: 20 }], gracefulRampDown: '2s', gracefulStop: '2s' },
    });
    expect((o.thresholds as Record<string, unknown>).dropped_iterations).toBeUndefined();
    expect(exportK6Script(spec)).toContain('sleep(0.25);');
  });

  it('chooses a time unit that keeps every arrival rate whole', () => {
    expect(chooseTimeUnit([10, 20])).toMatchObject({ unit: '1s', exact: true });
    expect(chooseTimeUnit([2.5])).toMatchObject({ unit: '2s', exact: true });
    expect(chooseTimeUnit([100 / 3])).toMatchObject({ unit: '30s', exact: true });
    expect(chooseTimeUnit([Math.PI]).exact).toBe(false);
  });

  it('generated scripts type-check with tsc --strict against @types/k6; a misspelled executor does not', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'perfdeck-k6-'));
    try {
      const eps = [
        { name: 'list', method: 'GET' as const, path: '/api/items', weight: 3 },
        { name: 'create:item', method: 'POST' as const, path: '/api/items', body: '{"n": {{seq}}, "vu": {{vu}}}', headers: { 'X-Test': '1' } },
      ];
      const specs: Record<string, ScenarioSpec> = Object.fromEntries(scenarioPresets(eps).map((p) => [p.name, p.spec]));
      specs.custom_open = parseScenarioSpec({ ...base, stages: [{ durationSec: 5, target: 0 }, { durationSec: 25, target: 77 }] });
      specs.custom_closed = parseScenarioSpec({ ...base, model: { kind: 'closed', vus: 3, thinkTimeMs: 0 } });
      const files = Object.entries(specs).map(([name, spec]) => {
        const f = path.join(dir, `${name}.js`);
        writeFileSync(f, exportK6Script(spec, { title: name, baseUrl: 'http://127.0.0.1:4000' }));
        return f;
      });
      const k6Types = path.join(ROOT, 'node_modules/@types/k6');
      const tsconfig = (include: string[]) =>
        JSON.stringify({
          compilerOptions: {
            strict: true,
            noEmit: true,
            allowJs: true,
            checkJs: true,
            target: 'ES2020',
            module: 'esnext',
            moduleResolution: 'bundler',
            lib: ['ES2020'],
            types: ['k6'],
            typeRoots: [path.join(ROOT, 'node_modules/@types')],
            paths: { k6: [path.join(k6Types, 'index.d.ts')], 'k6/*': [path.join(k6Types, '*')] },
            skipLibCheck: true,
          },
          include,
        });
      const tsc = (project: string) =>
        spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', project], { encoding: 'utf8', timeout: 120_000 });

      writeFileSync(path.join(dir, 'tsconfig.json'), tsconfig(files.map((f) => path.basename(f))));
      const ok = tsc(dir);
      expect(ok.stdout + ok.stderr).toBe('');
      expect(ok.status).toBe(0);

      // Negative control: the same check must fail on a misspelled executor.
      const badDir = path.join(dir, 'bad');
      spawnSync('mkdir', ['-p', badDir]);
      writeFileSync(path.join(badDir, 'bad.js'), exportK6Script(specs.peak).replace("'ramping-arrival-rate'", "'ramping-arival-rate'").replace('"ramping-arrival-rate"', '"ramping-arival-rate"'));
      writeFileSync(path.join(badDir, 'tsconfig.json'), tsconfig(['bad.js']));
      const bad = tsc(badDir);
      expect(bad.status).not.toBe(0);
      expect(bad.stdout).toContain('ramping-arival-rate');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

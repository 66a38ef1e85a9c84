// Export a scenario spec as a k6 script, so a team can run the same test with k6 (in CI, or where Perfdeck is not
// installed). Pure: returns the script text.
//
// closed model → one `ramping-vus` scenario; each VU picks endpoints by smooth weighted round-robin (exact per VU).
// open model   → one `ramping-arrival-rate` scenario per endpoint with its own `exec` function and every target
//                multiplied by weight/total, so the weights are exact; `dropped_iterations: ['count<1']`.
// Assertions   → thresholds: p50/p95/p99/max → http_req_duration p(N)/max; errorRate → http_req_failed rate;
//                rps → http_reqs rate; per endpoint through the {endpoint:<name>} tag; abortOnFail → object form.
// Differences that remain: k6's http_req_duration is measured from the actual send (our service time), not the
// intended start; k6's http_reqs rate is over the whole run including graceful stop — as our rps.
import { K6ThresholdError, validateThresholds, type K6Threshold } from './k6-threshold';
import type { Assertion, ScenarioSpec } from './schema';

export interface K6ExportOptions {
  /** Default BASE_URL baked into the script (overridable with `k6 run -e BASE_URL=…`). */
  baseUrl?: string;
  /** Shown in the header comment. */
  title?: string;
}

/** k6 tag values: keep to a safe alphabet so that `metric{endpoint:value}` keys always parse. */
export function k6TagValue(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '_');
}

function k6Duration(sec: number): string {
  return Number.isInteger(sec) ? `${sec}s` : `${Math.round(sec * 1000)}ms`;
}

const TIME_UNITS: [number, string][] = [
  [1, '1s'],
  [2, '2s'],
  [4, '4s'],
  [5, '5s'],
  [10, '10s'],
  [20, '20s'],
  [30, '30s'],
  [60, '1m'],
  [120, '2m'],
  [300, '5m'],
  [600, '10m'],
  [3600, '1h'],
];

/**
 * k6 arrival rates are whole iterations per timeUnit. Pick the smallest timeUnit that makes every rate whole
 * (e.g. 33.3̅ req/s → 100 per 3 s is not available, 2000 per 1m is); fall back to rounding per minute.
 */
export function chooseTimeUnit(ratesPerSec: readonly number[]): { seconds: number; unit: string; exact: boolean } {
  for (const [seconds, unit] of TIME_UNITS) {
    if (ratesPerSec.every((r) => Math.abs(r * seconds - Math.round(r * seconds)) < 1e-6)) return { seconds, unit, exact: true };
  }
  return { seconds: 60, unit: '1m', exact: false };
}

const AGG: Record<'p50' | 'p95' | 'p99' | 'max', string> = { p50: 'p(50)', p95: 'p(95)', p99: 'p(99)', max: 'max' };

function thresholdFor(a: Assertion): { key: string; expr: string } {
  const tag = a.endpoint !== undefined ? `{endpoint:${k6TagValue(a.endpoint)}}` : '';
  const v = String(a.value);
  if (a.metric === 'errorRate') return { key: `http_req_failed${tag}`, expr: `rate${a.op}${v}` };
  if (a.metric === 'rps') return { key: `http_reqs${tag}`, expr: `rate${a.op}${v}` };
  return { key: `http_req_duration${tag}`, expr: `${AGG[a.metric]}${a.op}${v}` };
}

/** The thresholds block for a spec (validated with our grammar; throws K6ThresholdError if one would not parse). */
export function k6Thresholds(spec: ScenarioSpec): Record<string, K6Threshold[]> {
  const out: Record<string, K6Threshold[]> = {};
  for (const a of spec.assertions) {
    const { key, expr } = thresholdFor(a);
    // delayAbortEval matches the engine's live grace period (assertions.ts DEFAULT_LIVE_GRACE).
    const t: K6Threshold = a.abortOnFail ? { threshold: expr, abortOnFail: true, delayAbortEval: '5s' } : expr;
    (out[key] ??= []).push(t);
  }
  if (spec.model.kind === 'open') (out.dropped_iterations ??= []).push('count<1');
  const problems = validateThresholds(out);
  if (problems.length) throw new K6ThresholdError(`generated thresholds do not parse: ${problems.join('; ')}`);
  return out;
}

/** The `options` object of the exported script. */
export function k6Options(spec: ScenarioSpec): Record<string, unknown> {
  const grace = k6Duration(Math.max(1, Math.ceil(spec.timeoutMs / 1000)));
  const scenarios: Record<string, unknown> = {};
  if (spec.model.kind === 'closed') {
    const stages = spec.stages.length
      ? spec.stages.map((s) => ({ duration: k6Duration(s.durationSec), target: s.target }))
      : [{ duration: k6Duration(spec.durationSec), target: spec.model.vus }];
    scenarios.main = { executor: 'ramping-vus', startVUs: spec.model.vus, stages, gracefulRampDown: grace, gracefulStop: grace };
  } else {
    const total = spec.endpoints.reduce((s, e) => s + e.weight, 0);
    const start = spec.model.rate;
    const rawStages = spec.stages.length ? spec.stages : [{ durationSec: spec.durationSec, target: start }];
    spec.endpoints.forEach((e, i) => {
      const share = e.weight / total;
      const rates = [start * share, ...rawStages.map((s) => s.target * share)];
      const tu = chooseTimeUnit(rates);
      const toUnit = (r: number) => Math.round(r * tu.seconds);
      const maxVUs = Math.max(1, Math.ceil(spec.maxConnections * share));
      scenarios[`ep_${i}_${k6TagValue(e.name)}`] = {
        executor: 'ramping-arrival-rate',
        exec: `ep_${i}`,
        startRate: toUnit(start * share),
        timeUnit: tu.unit,
        preAllocatedVUs: maxVUs,
        maxVUs,
        stages: rawStages.map((s) => ({ duration: k6Duration(s.durationSec), target: toUnit(s.target * share) })),
        gracefulStop: grace,
      };
    });
  }
  const thresholds = k6Thresholds(spec);
  return Object.keys(thresholds).length ? { scenarios, thresholds } : { scenarios };
}

const js = (v: unknown) => JSON.stringify(v, null, 2);

/** The whole k6 script (JavaScript with JSDoc types, so `tsc --checkJs` against @types/k6 can check it). */
export function exportK6Script(spec: ScenarioSpec, opts: K6ExportOptions = {}): string {
  const baseUrl = opts.baseUrl ?? 'http://127.0.0.1:3000';
  const eps = spec.endpoints.map((e) => ({
    name: e.name,
    tag: k6TagValue(e.name),
    method: e.method,
    path: e.path,
    headers: { ...(e.body ? { 'Content-Type': 'application/json' } : {}), ...(e.headers ?? {}) },
    body: e.body ? e.body : null,
    weight: e.weight,
  }));
  const think = spec.model.kind === 'closed' ? spec.model.thinkTimeMs / 1000 : 0;
  const lines: string[] = [];
  lines.push(`// k6 script generated by Perfdeck${opts.title ? ` from "${opts.title.replace(/[\r\n]/g, ' ')}"` : ''}.`);
  lines.push('// Run: k6 run -e BASE_URL=http://host:port script.js   (thresholds failing → exit code 99)');
  lines.push(`// Model: ${spec.model.kind === 'closed' ? `closed, ${spec.model.vus} VUs, think ${spec.model.thinkTimeMs} ms` : `open, ${spec.model.rate} req/s`}; duration ${spec.durationSec}s.`);
  lines.push("import http from 'k6/http';");
  lines.push("import exec from 'k6/execution';");
  lines.push(think > 0 ? "import { check, sleep } from 'k6';" : "import { check } from 'k6';");
  lines.push('');
  lines.push(`const BASE = __ENV.BASE_URL || ${js(baseUrl)};`);
  lines.push('/** @type {{ name: string, tag: string, method: string, path: string, headers: Record<string, string>, body: string | null, weight: number }[]} */');
  lines.push(`const EP = ${js(eps)};`);
  lines.push('');
  lines.push("/** @type {import('k6/options').Options} */");
  lines.push(`export const options = ${js(k6Options(spec))};`);
  lines.push('');
  lines.push('/** Body templates: {{seq}} iteration number, {{vu}} VU id, {{rand}} random integer, {{now}} epoch ms. */');
  lines.push('/** @param {string} t */');
  lines.push('function render(t) {');
  lines.push('  return t.replace(/\\{\\{(seq|vu|rand|now)\\}\\}/g, (_, k) =>');
  lines.push("    String(k === 'seq' ? exec.scenario.iterationInTest : k === 'vu' ? exec.vu.idInTest : k === 'rand' ? Math.floor(Math.random() * 1e9) : Date.now()));");
  lines.push('}');
  lines.push('');
  lines.push('/** @param {number} i */');
  lines.push('function call(i) {');
  lines.push('  const e = EP[i];');
  lines.push('  const res = http.request(e.method, BASE + e.path, e.body === null ? null : render(e.body), {');
  lines.push(`    headers: e.headers, tags: { endpoint: e.tag }, timeout: ${js(`${spec.timeoutMs}ms`)}, redirects: 0,`);
  lines.push('  });');
  lines.push("  check(res, { 'status 2xx/3xx': (r) => r.status >= 200 && r.status < 400 });");
  lines.push('}');
  lines.push('');
  if (spec.model.kind === 'closed') {
    lines.push('// Smooth weighted round-robin (as Perfdeck): exact shares in every window of sum(weights) iterations, per VU.');
    lines.push('const TOTAL = EP.reduce((s, e) => s + e.weight, 0);');
    lines.push('const current = EP.map(() => 0);');
    lines.push('function pick() {');
    lines.push('  let best = 0;');
    lines.push('  for (let i = 0; i < EP.length; i++) {');
    lines.push('    current[i] += EP[i].weight;');
    lines.push('    if (current[i] > current[best]) best = i;');
    lines.push('  }');
    lines.push('  current[best] -= TOTAL;');
    lines.push('  return best;');
    lines.push('}');
    lines.push('');
    lines.push('export default function () {');
    lines.push('  call(pick());');
    if (think > 0) lines.push(`  sleep(${think});`);
    lines.push('}');
  } else {
    lines.push('// One scenario per endpoint (rate × weight / total), so the mix is exact.');
    spec.endpoints.forEach((e, i) => {
      lines.push(`export function ep_${i}() {`);
      lines.push(`  call(${i}); // ${e.name.replace(/[\r\n]/g, ' ')}`);
      lines.push('}');
    });
  }
  return lines.join('\n') + '\n';
}

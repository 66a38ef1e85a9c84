// Our own grammar for k6 threshold strings, so every threshold we export is known to parse before k6 sees it
// (@types/k6 types thresholds as plain strings, so tsc cannot catch a bad one). Pure.
//
//   key        := metric [ "{" tag ":" value ( "," tag ":" value )* "}" ]
//   expression := ws aggregation ws op ws number ws
//   aggregation by metric type — trend: avg | min | max | med | p(N) with 0 ≤ N ≤ 100;
//                                rate: rate; counter: count | rate; gauge: value
//   op         := "<" | "<=" | ">" | ">=" | "==" | "===" | "!="
//   number     := optional sign, digits with optional fraction, optional exponent

export type K6MetricType = 'trend' | 'rate' | 'counter' | 'gauge';

/** Built-in k6 metrics and their types (https://grafana.com/docs/k6/latest/using-k6/metrics/reference/). */
export const K6_BUILTIN_METRICS: Readonly<Record<string, K6MetricType>> = {
  http_req_duration: 'trend',
  http_req_blocked: 'trend',
  http_req_connecting: 'trend',
  http_req_tls_handshaking: 'trend',
  http_req_sending: 'trend',
  http_req_waiting: 'trend',
  http_req_receiving: 'trend',
  iteration_duration: 'trend',
  group_duration: 'trend',
  http_req_failed: 'rate',
  checks: 'rate',
  http_reqs: 'counter',
  iterations: 'counter',
  dropped_iterations: 'counter',
  data_received: 'counter',
  data_sent: 'counter',
  vus: 'gauge',
  vus_max: 'gauge',
};

export const K6_THRESHOLD_OPS = ['<', '<=', '>', '>=', '==', '===', '!='] as const;
export type K6ThresholdOp = (typeof K6_THRESHOLD_OPS)[number];

export interface ParsedThreshold {
  aggregation: 'avg' | 'min' | 'max' | 'med' | 'p' | 'rate' | 'count' | 'value';
  /** For p(N). */
  percentile?: number;
  op: K6ThresholdOp;
  value: number;
}

export interface ParsedMetricKey {
  metric: string;
  tags: Record<string, string>;
}

export class K6ThresholdError extends Error {}

const AGGREGATIONS: Record<K6MetricType, readonly string[]> = {
  trend: ['avg', 'min', 'max', 'med', 'p'],
  rate: ['rate'],
  counter: ['count', 'rate'],
  gauge: ['value'],
};

const NUMBER = '[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?';
const EXPRESSION = new RegExp(`^\\s*(avg|min|max|med|rate|count|value|p\\(\\s*(${NUMBER})\\s*\\))\\s*(===|==|!=|<=|>=|<|>)\\s*(${NUMBER})\\s*$`);
const METRIC_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const TAG_PART = /^[A-Za-z0-9_.\- ]+$/;

export function parseThresholdExpression(expression: string, type: K6MetricType): ParsedThreshold {
  const m = EXPRESSION.exec(expression);
  if (!m) throw new K6ThresholdError(`"${expression}" is not <aggregation><op><value> (e.g. p(95)<500)`);
  const aggText = m[1];
  const aggregation = (aggText.startsWith('p(') ? 'p' : aggText) as ParsedThreshold['aggregation'];
  if (!AGGREGATIONS[type].includes(aggregation)) {
    const allowed = AGGREGATIONS[type].map((a) => (a === 'p' ? 'p(N)' : a)).join(', ');
    throw new K6ThresholdError(`"${aggText}" is not an aggregation of a ${type} metric (use ${allowed})`);
  }
  const out: ParsedThreshold = { aggregation, op: m[3] as K6ThresholdOp, value: Number(m[4]) };
  if (aggregation === 'p') {
    const n = Number(m[2]);
    if (!(n >= 0 && n <= 100)) throw new K6ThresholdError(`percentile ${m[2]} must be between 0 and 100`);
    out.percentile = n;
  }
  if (!Number.isFinite(out.value)) throw new K6ThresholdError(`threshold value ${m[4]} is not a finite number`);
  return out;
}

export function parseMetricKey(key: string): ParsedMetricKey {
  const brace = key.indexOf('{');
  const metric = brace < 0 ? key : key.slice(0, brace);
  if (!METRIC_NAME.test(metric)) throw new K6ThresholdError(`"${metric}" is not a valid metric name`);
  const tags: Record<string, string> = {};
  if (brace >= 0) {
    if (!key.endsWith('}')) throw new K6ThresholdError(`"${key}": tag filter must end with "}"`);
    const inner = key.slice(brace + 1, -1);
    if (!inner) throw new K6ThresholdError(`"${key}": empty tag filter`);
    for (const part of inner.split(',')) {
      const i = part.indexOf(':');
      if (i <= 0) throw new K6ThresholdError(`"${key}": tag filter "${part}" must be name:value`);
      const name = part.slice(0, i).trim();
      const value = part.slice(i + 1).trim();
      if (!TAG_PART.test(name) || !TAG_PART.test(value) || value.includes(':'))
        throw new K6ThresholdError(`"${key}": tag "${part}" may use letters, digits, "_", ".", "-" and spaces only`);
      tags[name] = value;
    }
  }
  return { metric, tags };
}

export type K6Threshold = string | { threshold: string; abortOnFail?: boolean; delayAbortEval?: string };

const DURATION = /^(\d+(\.\d+)?(ms|s|m|h))+$/;

/**
 * Validate a whole `thresholds` block. Returns readable problems (empty when valid). Custom metrics need their type
 * in `customMetrics`; unknown metrics are reported.
 */
export function validateThresholds(
  thresholds: Readonly<Record<string, readonly K6Threshold[]>>,
  customMetrics: Readonly<Record<string, K6MetricType>> = {},
): string[] {
  const problems: string[] = [];
  for (const [key, list] of Object.entries(thresholds)) {
    let parsedKey: ParsedMetricKey;
    try {
      parsedKey = parseMetricKey(key);
    } catch (e) {
      problems.push((e as Error).message);
      continue;
    }
    const type = customMetrics[parsedKey.metric] ?? K6_BUILTIN_METRICS[parsedKey.metric];
    if (!type) {
      problems.push(`${key}: unknown metric "${parsedKey.metric}"`);
      continue;
    }
    if (!Array.isArray(list) || list.length === 0) problems.push(`${key}: needs at least one threshold`);
    for (const t of list) {
      const expr = typeof t === 'string' ? t : t.threshold;
      try {
        parseThresholdExpression(expr, type);
      } catch (e) {
        problems.push(`${key}: ${(e as Error).message}`);
      }
      if (typeof t !== 'string' && t.delayAbortEval !== undefined && !DURATION.test(t.delayAbortEval))
        problems.push(`${key}: delayAbortEval "${t.delayAbortEval}" is not a duration like 10s`);
    }
  }
  return problems;
}

// The scenario editor works on a draft of strings (what the inputs hold) and turns it into a spec input for the
// server, which validates it with scenarioSpecSchema. Text that is not a number is sent as text, so the server's
// message ("weight must be a number") reaches the field instead of the draft silently dropping it. Pure: the
// editor (a client component) imports it, and so do its unit tests.
import type { Assertion, Endpoint, ScenarioSpec } from './schema';

export interface EndpointDraft {
  name: string;
  method: string;
  path: string;
  weight: string;
  /** One "Name: value" per line. */
  headers: string;
  body: string;
}

export interface StageDraft {
  durationSec: string;
  target: string;
}

export interface AssertionDraft {
  metric: string;
  /** '' = the whole run. */
  endpoint: string;
  op: string;
  value: string;
  abortOnFail: boolean;
}

export interface ScenarioDraft {
  endpoints: EndpointDraft[];
  kind: 'open' | 'closed';
  rate: string;
  vus: string;
  thinkTimeMs: string;
  stages: StageDraft[];
  durationSec: string;
  timeoutMs: string;
  maxConnections: string;
  assertions: AssertionDraft[];
}

const str = (n: number | undefined) => (n === undefined ? '' : String(n));

export function headerLines(headers: Record<string, string> | undefined): string {
  return Object.entries(headers ?? {})
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
}

/** "Name: value" lines → record. A line without a colon becomes a header named after the whole line, which the
 * spec validation then rejects with a message naming it. Blank lines are ignored. */
export function parseHeaderLines(text: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const i = line.indexOf(':');
    if (i <= 0) out[line] = '';
    else out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return Object.keys(out).length ? out : undefined;
}

/** A number when the text is one; otherwise the text (so the server says what is wrong), or undefined when empty. */
export function numberOrText(text: string): number | string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

export function endpointToDraft(e: Endpoint): EndpointDraft {
  return { name: e.name, method: e.method, path: e.path, weight: str(e.weight), headers: headerLines(e.headers), body: e.body ?? '' };
}

export function specToDraft(spec: ScenarioSpec): ScenarioDraft {
  return {
    endpoints: spec.endpoints.map(endpointToDraft),
    kind: spec.model.kind,
    rate: spec.model.kind === 'open' ? str(spec.model.rate) : '10',
    vus: spec.model.kind === 'closed' ? str(spec.model.vus) : '10',
    thinkTimeMs: spec.model.kind === 'closed' ? str(spec.model.thinkTimeMs) : '500',
    stages: spec.stages.map((s) => ({ durationSec: str(s.durationSec), target: str(s.target) })),
    durationSec: str(spec.durationSec),
    timeoutMs: str(spec.timeoutMs),
    maxConnections: str(spec.maxConnections),
    assertions: spec.assertions.map((a: Assertion) => ({ metric: a.metric, endpoint: a.endpoint ?? '', op: a.op, value: str(a.value), abortOnFail: !!a.abortOnFail })),
  };
}

/** The JSON the server validates. Field paths match the draft: endpoints.N.weight, model.rate, stages.N.target, … */
export function draftToSpecInput(d: ScenarioDraft): Record<string, unknown> {
  return {
    endpoints: d.endpoints.map((e) => ({
      name: e.name,
      method: e.method,
      path: e.path,
      weight: numberOrText(e.weight),
      ...(parseHeaderLines(e.headers) ? { headers: parseHeaderLines(e.headers) } : {}),
      ...(e.body.trim() ? { body: e.body } : {}),
    })),
    model: d.kind === 'open' ? { kind: 'open', rate: numberOrText(d.rate) } : { kind: 'closed', vus: numberOrText(d.vus), thinkTimeMs: numberOrText(d.thinkTimeMs) ?? 0 },
    stages: d.stages.map((s) => ({ durationSec: numberOrText(s.durationSec), target: numberOrText(s.target) })),
    durationSec: numberOrText(d.durationSec),
    timeoutMs: numberOrText(d.timeoutMs),
    maxConnections: numberOrText(d.maxConnections),
    assertions: d.assertions.map((a) => ({
      metric: a.metric,
      ...(a.endpoint ? { endpoint: a.endpoint } : {}),
      op: a.op,
      value: numberOrText(a.value),
      ...(a.abortOnFail ? { abortOnFail: true } : {}),
    })),
  };
}

/**
 * Start from a preset but keep the endpoints the user already has: the preset brings the model, stages, duration,
 * timeouts, connection cap and assertions. Per-endpoint assertions of the preset are dropped if that endpoint is
 * not in the draft.
 */
export function applyPreset(d: ScenarioDraft, preset: ScenarioSpec): ScenarioDraft {
  const p = specToDraft(preset);
  const names = new Set(d.endpoints.map((e) => e.name));
  return { ...p, endpoints: d.endpoints.length ? d.endpoints : p.endpoints, assertions: p.assertions.filter((a) => !a.endpoint || names.has(a.endpoint)) };
}

/** Recomputes durationSec from the stages (the spec requires them to agree) when there are stages. */
export function syncDuration(d: ScenarioDraft): ScenarioDraft {
  if (!d.stages.length) return d;
  const nums = d.stages.map((s) => Number(s.durationSec));
  if (nums.some((n) => !Number.isFinite(n))) return d;
  return { ...d, durationSec: String(+nums.reduce((a, b) => a + b, 0).toFixed(3)) };
}

// The CI gate's pure parts: flags, build freshness, and the lines it prints. scripts/perf-budgets.ts does the IO.
import { parseArgs } from 'node:util';
import type { AssertionFailure } from './budgets-to-assertions';
import { formFactorSchema, type FormFactor, type PageResult } from './schema';

export const DEFAULT_PERF_PORT = 3210;

export interface GateArgs {
  runs: number;
  formFactor: FormFactor;
  /** Comma-separated paths, or undefined for every page in AUDITED_PAGES. */
  pages?: string;
  json: boolean;
  build: boolean;
  /** Audit an app that is already running; no build, no start. */
  baseUrl?: string;
  store: boolean;
  port: number;
}

export class GateUsageError extends Error {}

export const GATE_USAGE = `Usage: npm run perf:budgets -- [--runs N] [--form-factor mobile|desktop] [--pages /a,/b]
                            [--json] [--no-build] [--base-url URL] [--no-store] [--port N]`;

/** `env` supplies PERF_PORT. Throws GateUsageError with a readable message on bad flags. */
export function parseGateArgs(argv: readonly string[], env: Record<string, string | undefined> = {}): GateArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        runs: { type: 'string' },
        'form-factor': { type: 'string' },
        pages: { type: 'string' },
        json: { type: 'boolean', default: false },
        'no-build': { type: 'boolean', default: false },
        'base-url': { type: 'string' },
        'no-store': { type: 'boolean', default: false },
        port: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new GateUsageError(`${(err as Error).message}\n${GATE_USAGE}`);
  }
  if (values.help) throw new GateUsageError(GATE_USAGE);

  const runs = values.runs === undefined ? 3 : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 15) throw new GateUsageError('--runs must be an integer from 1 to 15');

  const ff = formFactorSchema.safeParse(values['form-factor'] ?? 'mobile');
  if (!ff.success) throw new GateUsageError('--form-factor must be mobile or desktop');

  const portRaw = values.port ?? env.PERF_PORT ?? String(DEFAULT_PERF_PORT);
  const port = Number(portRaw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new GateUsageError(`Invalid port ${portRaw} (--port or PERF_PORT)`);

  let baseUrl: string | undefined;
  if (values['base-url'] !== undefined) {
    let u: URL;
    try {
      u = new URL(values['base-url']);
    } catch {
      throw new GateUsageError('--base-url must be an absolute URL such as http://127.0.0.1:3000');
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new GateUsageError('--base-url must be http(s)');
    baseUrl = u.origin;
  }

  return {
    runs,
    formFactor: ff.data,
    pages: values.pages,
    json: values.json,
    build: !values['no-build'] && !baseUrl,
    baseUrl,
    store: !values['no-store'],
    port,
  };
}

/** A build is stale when there is none, or when any source file changed after it was written. */
export function isBuildStale(buildIdMtimeMs: number | null, newestSourceMtimeMs: number): boolean {
  return buildIdMtimeMs === null || newestSourceMtimeMs > buildIdMtimeMs;
}

/** What the gate knows about one page once it is done: measured and judged, or not audited at all. */
export interface GatePageOutcome {
  page: string;
  result: PageResult | null;
  pass: boolean;
  failures: AssertionFailure[];
  error?: string;
}

export interface GatePageLine {
  page: string;
  score: number | null;
  lcpMs: number | null;
  cls: number | null;
  tbtMs: number | null;
  scriptBytes: number | null;
  pass: boolean;
  error?: string;
}

const round = (v: number | null | undefined, digits = 0): number | null =>
  v === null || v === undefined ? null : Number(v.toFixed(digits));

export function gatePageLine(o: GatePageOutcome): GatePageLine {
  const r = o.result;
  return {
    page: o.page,
    score: round(r?.score, 2),
    lcpMs: round(r?.lcpMs),
    cls: round(r?.cls, 3),
    tbtMs: round(r?.tbtMs),
    scriptBytes: round(r?.scriptBytes),
    pass: o.pass,
    ...(o.error ? { error: o.error } : {}),
  };
}

export interface GateSummary {
  pages: number;
  failed: number;
  minScore: number | null;
  maxScriptBytes: number | null;
}

export function summarizeGate(outcomes: readonly GatePageOutcome[]): GateSummary {
  const scores = outcomes.map((o) => o.result?.score).filter((v): v is number => typeof v === 'number');
  const scripts = outcomes.map((o) => o.result?.scriptBytes).filter((v): v is number => typeof v === 'number');
  return {
    pages: outcomes.length,
    failed: outcomes.filter((o) => !o.pass).length,
    minScore: scores.length ? round(Math.min(...scores), 2) : null,
    maxScriptBytes: scripts.length ? Math.round(Math.max(...scripts)) : null,
  };
}

/** One human-readable line per page (without --json). */
export function formatGateLine(o: GatePageOutcome): string {
  if (o.error) return `✗ ${o.page}  not audited: ${o.error}`;
  const r = o.result;
  const fmt = (v: number | null | undefined, f: (n: number) => string) => (v === null || v === undefined ? '–' : f(v));
  const head =
    `${o.pass ? '✓' : '✗'} ${o.page.padEnd(18)} score ${fmt(r?.score, (v) => String(Math.round(v * 100))).padStart(3)}` +
    `  LCP ${fmt(r?.lcpMs, (v) => `${Math.round(v)} ms`)}  CLS ${fmt(r?.cls, (v) => v.toFixed(3))}` +
    `  TBT ${fmt(r?.tbtMs, (v) => `${Math.round(v)} ms`)}  JS ${fmt(r?.scriptBytes, (v) => `${(v / 1024).toFixed(1)} KB`)}`;
  return o.failures.length ? `${head}\n${o.failures.map((f) => `    - ${f.message}`).join('\n')}` : head;
}

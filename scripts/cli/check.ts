// perfdeck check --scenario <id|name> --token <api token> [--url <console>] — the CI gate.
// Launches a run of the scenario through the console's REST API, follows it (progress on stderr), prints the summary
// and exits 1 when an assertion failed, the run regressed against the scenario's baseline or did not complete.
import { parseArgs } from 'node:util';
import type { AssertionResult } from '../../server/loadtest/schema';
import type { LoadRunDto, ScenarioDto } from '../../server/loadtest/types';

const HELP = `usage: perfdeck check --scenario <id|name> --token <api token> [options]

  --scenario S     scenario id, or its name (add --target when the name exists on several targets)
  --token T        API token of an operator (Settings → API tokens); or set PERFDECK_API_TOKEN
  --url U          console URL (default $PERFDECK_URL or http://127.0.0.1:3000)
  --target NAME    target name, to pick among scenarios with the same name
  --shards N       split the run over N worker shards (default 1)
  --timeout D      give up waiting after D (default: the scenario's duration + 5m)
  --json           print one JSON object as the last line of stdout

Exit codes: 0 passed (and not regressed), 1 an assertion failed, the run regressed or did not complete,
2 bad arguments, console unreachable, token refused (401/403) or the launch refused.`;

export class UsageError extends Error {}

export interface CheckArgs {
  scenario: string;
  token: string;
  url: string;
  target: string | null;
  shards: number;
  timeoutSec: number | null;
  json: boolean;
}

function durationSec(text: string): number | null {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  const m = /^(\d+(?:\.\d+)?)(s|m|h)$/.exec(t);
  return m ? Number(m[1]) * (m[2] === 's' ? 1 : m[2] === 'm' ? 60 : 3600) : null;
}

export function parseCheckArgs(argv: string[], env: Record<string, string | undefined> = process.env): CheckArgs | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        scenario: { type: 'string' },
        token: { type: 'string' },
        url: { type: 'string' },
        target: { type: 'string' },
        shards: { type: 'string', default: '1' },
        timeout: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) return 'help';
  if (!values.scenario?.trim()) throw new UsageError('--scenario is required (an id or a name)');
  const token = values.token ?? env.PERFDECK_API_TOKEN;
  if (!token) throw new UsageError('--token is required (or set PERFDECK_API_TOKEN): create one under Settings → API tokens');
  const url = (values.url ?? env.PERFDECK_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
  } catch {
    throw new UsageError(`--url must be an http(s) URL such as http://127.0.0.1:3000, got "${url}"`);
  }
  const shards = Number(values.shards);
  if (!Number.isInteger(shards) || shards < 1 || shards > 16) throw new UsageError(`--shards must be a whole number from 1 to 16, got "${values.shards}"`);
  let timeoutSec: number | null = null;
  if (values.timeout !== undefined) {
    timeoutSec = durationSec(values.timeout);
    if (timeoutSec === null || timeoutSec <= 0) throw new UsageError(`--timeout must be a duration like 90s, 10m or 1h, got "${values.timeout}"`);
  }
  return { scenario: values.scenario.trim(), token, url, target: values.target ?? null, shards, timeoutSec, json: values.json };
}

export interface Outcome {
  exitCode: 0 | 1;
  reasons: string[];
}

/** The gate's decision for a finished run. */
export function checkOutcome(run: Pick<LoadRunDto, 'status' | 'error' | 'assertions' | 'verdict'>): Outcome {
  const reasons: string[] = [];
  const failedAssertions = (run.assertions ?? []).filter((a) => !a.passed);
  for (const a of failedAssertions) reasons.push(`assertion ${a.message}`);
  if (run.verdict?.verdict === 'regressed') reasons.push(`regressed against the baseline: ${run.verdict.headline.replace(/^regressed: /, '')}`);
  if (run.status !== 'passed' && run.status !== 'failed') reasons.push(`the run ended ${run.status}${run.error ? `: ${run.error}` : ''}`);
  if (run.status === 'failed' && failedAssertions.length === 0) reasons.push(`the run failed${run.error ? `: ${run.error}` : ''}`);
  return { exitCode: reasons.length ? 1 : 0, reasons };
}

const ms = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v >= 100 ? `${v.toFixed(0)}` : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const pct = (v: number) => `${(v * 100).toFixed(2)}%`;

/** The summary table the CLI prints (also used by tests). */
export function formatSummary(run: LoadRunDto): string {
  const s = run.summary;
  const lines: string[] = [];
  lines.push(`run ${run.id} · ${run.scenarioName} on ${run.targetName} · ${run.status}${run.shardCount > 1 ? ` · ${run.shardCount} shards` : ''}`);
  if (!s) {
    lines.push('nothing was recorded');
    return lines.join('\n');
  }
  const head = ['scope', 'requests', 'req/s', 'errors', 'p50', 'p90', 'p95', 'p99', 'max (ms)'];
  const rows: string[][] = [
    ['overall', String(s.requests), s.rps.toFixed(1), pct(s.errorRate), ms(s.responseTimeMs.p50), ms(s.responseTimeMs.p90), ms(s.responseTimeMs.p95), ms(s.responseTimeMs.p99), ms(s.responseTimeMs.max)],
    ...Object.entries(s.byEndpoint).map(([name, e]) => [
      name,
      String(e.requests),
      e.rps.toFixed(1),
      pct(e.errorRate),
      ms(e.responseTimeMs.p50),
      ms(e.responseTimeMs.p90),
      ms(e.responseTimeMs.p95),
      ms(e.responseTimeMs.p99),
      ms(e.responseTimeMs.max),
    ]),
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  lines.push(fmt(head), ...rows.map(fmt));
  const errs = Object.entries(s.errors).filter(([, n]) => n > 0);
  const st = Object.entries(s.status).filter(([k, n]) => n > 0 && k !== '2xx');
  if (errs.length || st.length) lines.push(`failures: ${[...st.map(([k, n]) => `${k} ${n}`), ...errs.map(([k, n]) => `${k} ${n}`)].join(', ')}`);
  lines.push(`latency is response time from the intended start (coordinated-omission corrected); late starts ${s.lateStarts}, dropped ${s.dropped}`);
  for (const a of run.assertions ?? []) lines.push(`${a.passed ? '✓' : '✗'} ${(a as AssertionResult).message}`);
  if (run.verdict) {
    lines.push(`vs baseline ${run.verdict.baselineRunId.slice(0, 8)}: ${run.verdict.headline}`);
    for (const e of [run.verdict.overall, ...run.verdict.endpoints]) {
      const d = e.p95Ms;
      lines.push(`  ${e.endpoint.padEnd(12)} ${e.verdict.padEnd(9)} p95 ${ms(d.baseline)} → ${ms(d.run)} ms${d.relative !== null ? ` (${d.relative >= 0 ? '+' : ''}${(d.relative * 100).toFixed(1)}%)` : ''}`);
    }
  } else lines.push('no baseline pinned for this scenario: nothing to compare with');
  return lines.join('\n');
}

export function progressLine(run: LoadRunDto): string {
  const s = run.summary;
  const bits = [run.status === 'running' ? (run.stage ?? 'running') : run.status];
  if (run.lastSecond >= 0) bits.push(`${run.lastSecond + 1}/${run.expectedSeconds} s`);
  if (s) bits.push(`${s.requests} req`, `p95 ${ms(s.responseTimeMs.p95)} ms`, `errors ${pct(s.errorRate)}`);
  return `[${String(Math.round(run.progress * 100)).padStart(3)}%] ${bits.join(' · ')}`;
}

class ConsoleError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

async function api<T>(args: CheckArgs, method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${args.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${args.token}`, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(15_000),
    });
  } catch (e) {
    throw new ConsoleError(`cannot reach the console at ${args.url} (${(e as Error).cause ? String((e as { cause: Error }).cause.message ?? (e as Error).cause) : (e as Error).message}); is it running? (--url)`, 2);
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  if (res.status === 401) throw new ConsoleError('the console refused the token (401): check --token / PERFDECK_API_TOKEN', 2);
  if (!res.ok) {
    const msg = (json as { error?: string } | null)?.error ?? `HTTP ${res.status}`;
    throw new ConsoleError(`${method} ${path}: ${msg} (${res.status})`, 2);
  }
  return json as T;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function resolveScenario(args: CheckArgs): Promise<ScenarioDto> {
  if (UUID.test(args.scenario)) return api<ScenarioDto>(args, 'GET', `/api/v1/scenarios/${args.scenario}`);
  let found = await api<ScenarioDto[]>(args, 'GET', `/api/v1/scenarios?name=${encodeURIComponent(args.scenario)}`);
  if (args.target) found = found.filter((s) => s.targetName === args.target);
  if (found.length === 0) throw new ConsoleError(`no scenario named "${args.scenario}"${args.target ? ` on target "${args.target}"` : ''}`, 2);
  if (found.length > 1) throw new ConsoleError(`${found.length} scenarios are named "${args.scenario}" (targets: ${found.map((s) => s.targetName).join(', ')}): add --target or pass the id`, 2);
  return found[0];
}

export async function run(argv: string[]): Promise<number> {
  let args: CheckArgs | 'help';
  try {
    args = parseCheckArgs(argv);
  } catch (e) {
    console.error(`perfdeck check: ${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (args === 'help') {
    console.log(HELP);
    return 0;
  }
  const a = args;
  let runId: string | null = null;
  const onSigint = () => {
    // Ctrl-C in CI or a terminal: stop the run we launched rather than leave it running.
    if (runId) void api(a, 'POST', `/api/v1/runs/${runId}/stop`, { mode: 'stop' }).catch(() => {});
    console.error('\nperfdeck check: interrupted; asked the console to stop the run');
    process.exit(130);
  };
  process.once('SIGINT', onSigint);
  try {
    const scenario = await resolveScenario(a);
    const launched = await api<LoadRunDto>(a, 'POST', `/api/v1/scenarios/${scenario.id}/runs`, { shards: a.shards });
    runId = launched.id;
    console.error(`perfdeck check: launched run ${launched.id} of "${scenario.name}" on ${scenario.targetName} (${a.url}/load-tests/runs/${launched.id})`);
    const deadline = Date.now() + 1000 * (a.timeoutSec ?? scenario.spec.durationSec + 300);
    let current = launched;
    let lastLine = '';
    let misses = 0;
    while (!current.finished) {
      if (Date.now() > deadline) {
        console.error(`perfdeck check: gave up waiting for run ${current.id} (still ${current.status}); stopping it`);
        await api(a, 'POST', `/api/v1/runs/${current.id}/stop`, { mode: 'stop' }).catch(() => {});
        return 1;
      }
      await new Promise((r) => setTimeout(r, 1000));
      try {
        current = await api<LoadRunDto>(a, 'GET', `/api/v1/runs/${current.id}`);
        misses = 0;
      } catch (e) {
        // A console restart or a network blip mid-run: keep trying for a while before giving up.
        if (++misses >= 20) throw e;
        continue;
      }
      const line = progressLine(current);
      if (line !== lastLine) console.error(line);
      lastLine = line;
    }
    console.log(formatSummary(current));
    const outcome = checkOutcome(current);
    console.log(outcome.exitCode === 0 ? 'PASS' : `FAIL\n${outcome.reasons.map((r) => `  - ${r}`).join('\n')}`);
    if (a.json) {
      console.log(
        JSON.stringify({
          runId: current.id,
          status: current.status,
          verdict: current.verdict?.verdict ?? null,
          exitCode: outcome.exitCode,
          reasons: outcome.reasons,
          requests: current.summary?.requests ?? 0,
          rps: current.summary?.rps ?? 0,
          errorRate: current.summary?.errorRate ?? 0,
          responseTimeMs: current.summary?.responseTimeMs ?? null,
        }),
      );
    }
    return outcome.exitCode;
  } catch (e) {
    if (e instanceof ConsoleError) {
      console.error(`perfdeck check: ${e.message}`);
      return e.exitCode;
    }
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

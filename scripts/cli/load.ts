// perfdeck load --url <url> (--rate <rps> | --vus <n>) --duration <30s|2m> [options]
// Runs the load engine in this process (no console, database or Redis needed) and prints a short table.
// With --json, stdout's last line is exactly one JSON object. Only loopback targets unless --allow-host is given.
import { parseArgs } from 'node:util';
import { ZodError } from 'zod';
import { LoadTargetError, checkTarget, isLoopbackHost, runLoad } from '../../server/loadtest/engine';
import { parseDurationSec } from '../../server/loadtest/schedule';
import { HTTP_METHODS, describeSpecErrors, scenarioSpecSchema, type LoadResult, type PercentileSummary, type ScenarioSpec } from '../../server/loadtest/schema';

const HELP = `usage: perfdeck load --url <url> (--rate <rps> | --vus <n>) --duration <30s|2m> [options]

  --url URL            target URL (path and query are requested as given)
  --rate RPS           open model: arrival rate in requests per second
  --vus N              closed model: virtual users, each looping request → think
  --duration D         how long to run: 30s, 2m, 1m30s or seconds
  --method M           HTTP method (default GET)
  --header 'K: V'      request header (repeatable)
  --body '{...}'       JSON request body ({{seq}}, {{vu}}, {{rand}}, {{now}} are filled in per request)
  --connections N      connection cap (open model; default 100, or the VU count)
  --timeout T          per-request timeout (default 5s)
  --think T            closed model think time between requests (default 0)
  --allow-host H       allow a non-loopback host (repeatable); the default allows loopback only
  --json               print one JSON object as the last line of stdout

Exit codes: 0 done, 2 bad arguments or disallowed target, 1 unexpected error.`;

export class UsageError extends Error {}

interface LoadArgs {
  baseUrl: string;
  spec: ScenarioSpec;
  json: boolean;
  allowedHosts: string[] | undefined;
}

function positive(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a number greater than 0, got "${v}"`);
  return n;
}
function duration(name: string, v: string, allowZero = false): number {
  const s = parseDurationSec(v);
  if (s === null || (!allowZero && s <= 0)) throw new UsageError(`--${name} must be a duration like 30s, 2m or 500ms, got "${v}"`);
  return s;
}

/** Turn argv into a validated spec (throws UsageError with one clear message). Exported for tests. */
export function parseLoadArgs(argv: string[]): LoadArgs | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        url: { type: 'string' },
        rate: { type: 'string' },
        vus: { type: 'string' },
        duration: { type: 'string' },
        method: { type: 'string', default: 'GET' },
        header: { type: 'string', multiple: true, default: [] },
        body: { type: 'string' },
        connections: { type: 'string' },
        timeout: { type: 'string', default: '5s' },
        think: { type: 'string', default: '0' },
        'allow-host': { type: 'string', multiple: true },
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
  if (!values.url) throw new UsageError('--url is required');
  if ((values.rate === undefined) === (values.vus === undefined)) throw new UsageError('give exactly one of --rate (open model) or --vus (closed model)');
  if (!values.duration) throw new UsageError('--duration is required (e.g. 30s or 2m)');

  let url: URL;
  try {
    url = new URL(values.url);
  } catch {
    throw new UsageError(`--url is not a valid URL: "${values.url}"`);
  }
  // Loopback is always fine; anything else only when named with --allow-host.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const allowedHosts = isLoopbackHost(host) ? undefined : (values['allow-host'] ?? []);
  if (allowedHosts && !allowedHosts.some((h) => h.toLowerCase() === host.toLowerCase()))
    throw new UsageError(`${host} is not a loopback address; to load-test it, add --allow-host ${host}`);
  try {
    url = checkTarget(values.url, allowedHosts);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const method = values.method!.toUpperCase();
  if (!(HTTP_METHODS as readonly string[]).includes(method)) throw new UsageError(`--method must be one of ${HTTP_METHODS.join(', ')}, got "${values.method}"`);
  const headers: Record<string, string> = {};
  for (const h of values.header as string[]) {
    const i = h.indexOf(':');
    if (i <= 0) throw new UsageError(`--header must look like 'Name: value', got "${h}"`);
    headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
  }
  const durationSec = duration('duration', values.duration);
  const timeoutMs = Math.round(duration('timeout', values.timeout!) * 1000);
  const think = duration('think', values.think!, true) * 1000;
  const vus = values.vus !== undefined ? positive('vus', values.vus) : 0;
  const rate = values.rate !== undefined ? positive('rate', values.rate) : 0;
  const connections = values.connections !== undefined ? positive('connections', values.connections) : vus ? vus : 100;

  const input = {
    endpoints: [
      {
        name: 'default',
        method,
        path: `${url.pathname}${url.search}` || '/',
        headers: Object.keys(headers).length ? headers : undefined,
        body: values.body,
        weight: 1,
      },
    ],
    model: values.vus !== undefined ? { kind: 'closed', vus, thinkTimeMs: think } : { kind: 'open', rate },
    stages: [],
    durationSec,
    timeoutMs,
    maxConnections: connections,
    assertions: [],
  };
  const parsed = scenarioSpecSchema.safeParse(input);
  if (!parsed.success) {
    const flag: Record<string, string> = { vus: '--vus', rate: '--rate', maxConnections: '--connections', timeoutMs: '--timeout', durationSec: '--duration', body: '--body', headers: '--header', thinkTimeMs: '--think', path: '--url' };
    const issue = parsed.error.issues[0];
    const key = [...issue.path].reverse().find((p) => typeof p === 'string' && p in flag) as string | undefined;
    throw new UsageError(key ? `${flag[key]}: ${issue.message}` : describeSpecErrors(parsed.error)[0]);
  }
  return { baseUrl: url.origin, spec: parsed.data, json: values.json!, allowedHosts };
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;
const pick = (s: PercentileSummary) => ({ p50: r3(s.p50), p90: r3(s.p90), p95: r3(s.p95), p99: r3(s.p99), p999: r3(s.p999), max: r3(s.max) });

export function toJson(r: LoadResult) {
  return {
    requests: r.requests,
    rps: r3(r.rps),
    errors: r.failed,
    responseTimeMs: pick(r.overall.responseTimeMs),
    serviceTimeMs: pick(r.overall.serviceTimeMs),
    lateStarts: r.lateStarts,
    dropped: r.dropped,
  };
}

function printHuman(r: LoadResult): void {
  const e = r.overall.errors;
  const st = r.overall.status;
  const row = (label: string, s: PercentileSummary) =>
    `${label.padEnd(14)}${[s.p50, s.p90, s.p95, s.p99, s.p999, s.max].map((v) => v.toFixed(2).padStart(10)).join('')}`;
  console.log('');
  console.log(`${r.requests} requests in ${r.elapsedSec.toFixed(2)}s = ${r.rps.toFixed(1)} req/s${r.aborted ? `  (ABORTED: ${r.abortReason})` : ''}`);
  console.log(`status 2xx ${st['2xx']}  3xx ${st['3xx']}  4xx ${st['4xx']}  5xx ${st['5xx']}   errors: timeout ${e.timeout}  connect ${e.connect}  reset ${e.reset}  other ${e.other}`);
  console.log(`failed ${r.failed} (${(r.errorRate * 100).toFixed(2)}%)   late starts ${r.lateStarts}   dropped ${r.dropped}`);
  console.log('');
  console.log(`${'ms'.padEnd(14)}${['p50', 'p90', 'p95', 'p99', 'p99.9', 'max'].map((h) => h.padStart(10)).join('')}`);
  console.log(row('response time', r.overall.responseTimeMs));
  console.log(row('service time', r.overall.serviceTimeMs));
  console.log('');
  console.log('response time = completion − intended start (includes any wait to be sent); service time = completion − actual send');
}

export async function run(argv: string[]): Promise<number> {
  let args: LoadArgs | 'help';
  try {
    args = parseLoadArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`perfdeck load: ${e.message} (see perfdeck load --help)`);
      return 2;
    }
    throw e;
  }
  if (args === 'help') {
    console.log(HELP);
    return 0;
  }
  const ac = new AbortController();
  const onSigint = () => ac.abort(new Error('interrupted (Ctrl-C)'));
  process.once('SIGINT', onSigint);
  const m = args.spec.model;
  console.error(
    `perfdeck load: ${m.kind === 'open' ? `${m.rate} req/s (open model)` : `${m.vus} VUs (closed model)`} for ${args.spec.durationSec}s against ${args.baseUrl}${args.spec.endpoints[0].path}`,
  );
  try {
    const result = await runLoad(args.spec, {
      baseUrl: args.baseUrl,
      allowedHosts: args.allowedHosts,
      signal: ac.signal,
      onSecond: (s) => {
        const e = s.overall.errors;
        const errs = e.timeout + e.connect + e.reset + e.other + s.overall.status['4xx'] + s.overall.status['5xx'];
        console.error(`  ${String(s.second + 1).padStart(4)}s  ${String(s.requests).padStart(7)} req  ${errs} failed  late ${s.lateStarts}  dropped ${s.dropped}`);
      },
    });
    if (args.json) console.log(JSON.stringify(toJson(result)));
    else printHuman(result);
    return 0;
  } catch (e) {
    if (e instanceof LoadTargetError || e instanceof ZodError) {
      console.error(`perfdeck load: ${e instanceof ZodError ? describeSpecErrors(e)[0] : e.message}`);
      return 2;
    }
    throw e;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

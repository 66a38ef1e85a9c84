// `npm run perf:budgets -- [--json] [--runs N] [--form-factor mobile|desktop] [--pages /a,/b] [--no-build]
//                           [--base-url URL] [--no-store] [--port N]`
//
// The web-budget CI gate: builds and starts the console (or uses --base-url), signs in as a viewer, runs Lighthouse
// on every console page that answers 200, judges each page against its budget, stores the results, prints one JSON
// line per page and a JSON summary as the last line, and exits non-zero on any breach. Docs: docs/web-budgets.md.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, readdirSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { SYSTEM_ACTOR } from '../server/auth/roles';
import { evaluatePageResult } from '../server/webvitals/budgets-to-assertions';
import {
  formatGateLine,
  gatePageLine,
  GateUsageError,
  isBuildStale,
  parseGateArgs,
  summarizeGate,
  type GateArgs,
  type GatePageOutcome,
} from '../server/webvitals/gate';
import { gateRole, prepareGateCredentials, signIn } from '../server/webvitals/gate-user';
import { auditPages, findExistingPages } from '../server/webvitals/lighthouse-runner';
import { pagesForRole, selectAuditedPages, type AuditedPageSpec } from '../server/webvitals/pages';
import { defaultBudgets, type Budget } from '../server/webvitals/schema';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const STATE = path.join(ROOT, '.perfdeck');
const BUILD_LOCK = '/tmp/build.lock';
// Sources whose change makes .next stale (same set as scripts/demo.sh, plus config the build reads).
const SOURCE_ROOTS = ['app', 'components', 'server', 'lib', 'public', 'prisma/schema.prisma', 'next.config.ts', 'postcss.config.mjs', 'package.json', 'tsconfig.json'];

const EXIT_BREACH = 1;
const EXIT_ERROR = 2;

const log = (msg: string) => process.stderr.write(`[perf-budgets] ${msg}\n`);
const out = (line: string) => process.stdout.write(`${line}\n`);

// ─── cleanup: everything this script started, by PID ───

const cleanups: (() => Promise<void> | void)[] = [];
// Aborting stops Chrome at once (see lighthouse-runner); the cleanups then stop the server and release the lock.
const abort = new AbortController();
async function cleanup(): Promise<void> {
  while (cleanups.length) {
    try {
      await cleanups.pop()!();
    } catch (err) {
      log(`cleanup: ${(err as Error).message}`);
    }
  }
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    log(`${sig}: stopping`);
    abort.abort();
    void cleanup().finally(() => process.exit(130));
  });
}

// ─── build ───

function newestMtime(p: string): number {
  const abs = path.join(ROOT, p);
  if (!existsSync(abs)) return 0;
  const st = statSync(abs);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs; // a deleted file shows up as a directory change
  for (const e of readdirSync(abs, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    if (e.isFile() && /\.(test|spec)\.tsx?$/.test(e.name)) continue; // tests are not in the bundle
    newest = Math.max(newest, newestMtime(path.join(p, e.name)));
  }
  return newest;
}

function buildIdMtime(): number | null {
  const f = path.join(ROOT, process.env.NEXT_DIST_DIR || '.next', 'BUILD_ID');
  return existsSync(f) ? statSync(f).mtimeMs : null;
}

function buildIfStale(): void {
  const newest = Math.max(...SOURCE_ROOTS.map(newestMtime));
  if (!isBuildStale(buildIdMtime(), newest)) {
    log('.next is newer than the sources; not rebuilding');
    return;
  }
  log('building (next build, under flock /tmp/build.lock)');
  mkdirSync(path.join(STATE, 'logs'), { recursive: true });
  const logFile = path.join(STATE, 'logs', 'perf-budgets-build.log');
  const fd = openSync(logFile, 'w');
  const started = Date.now();
  const r = spawnSync('flock', [BUILD_LOCK, path.join(ROOT, 'node_modules/.bin/next'), 'build'], {
    cwd: ROOT,
    stdio: ['ignore', fd, fd],
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (r.status !== 0) {
    const tail = readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
    throw new Error(`next build failed (exit ${r.status ?? r.signal}); ${logFile}:\n${tail}`);
  }
  log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * Holds a shared lock on the build lock while our server runs from .next, so a colleague's `flock /tmp/build.lock
 * next build` waits instead of replacing the chunks under us. `flock -s` runs `cat`, which keeps the lock until we
 * close its stdin (or die, which closes it too).
 */
async function holdSharedBuildLock(): Promise<() => void> {
  const child = spawn('flock', ['-s', BUILD_LOCK, 'sh', '-c', 'echo locked; exec cat >/dev/null'], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('waited 10 min for /tmp/build.lock')), 600_000);
    child.stdout!.once('data', () => {
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`flock exited (${code}) before taking the build lock`));
    });
  });
  return () => {
    child.stdin!.end();
  };
}

// ─── server ───

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Values from .perfdeck/env (written by scripts/lib.sh ensure_env) unless already in the environment. */
function checkoutSecrets(): Record<string, string> {
  const f = path.join(STATE, 'env');
  if (!existsSync(f)) return {};
  const vars: Record<string, string> = {};
  for (const line of readFileSync(f, 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m && process.env[m[1]] === undefined) vars[m[1]] = m[2];
  }
  return vars;
}

async function startServer(port: number): Promise<{ baseUrl: string; stop: () => Promise<void> }> {
  if (!existsSync(path.join(ROOT, process.env.NEXT_DIST_DIR || '.next', 'BUILD_ID'))) throw new Error(`No build in ${process.env.NEXT_DIST_DIR || '.next'}; run without --no-build`);
  if (await portInUse(port)) throw new Error(`Port ${port} is in use; set PERF_PORT or --port to a free port`);
  const baseUrl = `http://127.0.0.1:${port}`;
  const secrets = checkoutSecrets();
  const env: NodeJS.ProcessEnv = { ...process.env, ...secrets, NODE_ENV: 'production', PERFDECK_URL: baseUrl, NEXT_TELEMETRY_DISABLED: '1' };
  if (!env.BETTER_AUTH_SECRET || !env.PERFDECK_ENCRYPTION_KEY) {
    // A throwaway server on 127.0.0.1 for the gate only; production keys are not needed to measure pages.
    env.PERFDECK_ALLOW_DEV_KEYS = '1';
  }
  mkdirSync(path.join(STATE, 'logs'), { recursive: true });
  const logFile = path.join(STATE, 'logs', 'perf-budgets-server.log');
  const fd = openSync(logFile, 'w');
  // Started directly (not through npx) so that the PID we hold is the server's; its own process group lets us stop
  // any helper it forks with one signal to that group.
  const child: ChildProcess = spawn(path.join(ROOT, 'node_modules/.bin/next'), ['start', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: ROOT,
    env,
    stdio: ['ignore', fd, fd],
    detached: true,
  });
  const pid = child.pid!;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const stop = async () => {
    if (exited) return;
    log(`stopping next start (pid ${pid})`);
    const signalGroup = (sig: NodeJS.Signals) => {
      try {
        process.kill(-pid, sig);
      } catch {
        // already gone
      }
    };
    signalGroup('SIGTERM');
    for (let i = 0; i < 50 && !exited; i++) await new Promise((r) => setTimeout(r, 100));
    if (!exited) signalGroup('SIGKILL');
  };

  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`next start exited early; see ${logFile}:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
    try {
      const res = await fetch(`${baseUrl}/login`, { redirect: 'manual', signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      if (res.status < 500) return { baseUrl, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  await stop();
  throw new Error(`next start did not answer on ${baseUrl} within 60 s; see ${logFile}`);
}

// ─── pages ───

/** Pages that answer 200 are audited; a page that is not there yet (404) is skipped; a page that errors fails. */
async function discoverPages(baseUrl: string, pages: AuditedPageSpec[], cookie: string): Promise<{ pages: AuditedPageSpec[]; broken: { path: string; status: number }[] }> {
  const { found, skipped } = await findExistingPages(baseUrl, pages, cookie);
  const broken = skipped.filter((s) => s.status >= 500);
  for (const s of skipped) if (s.status < 500) log(`skipping ${s.path}: HTTP ${s.status}${s.location ? ` → ${s.location}` : ''}`);
  for (const s of broken) log(`FAIL ${s.path}: HTTP ${s.status}`);
  return { pages: pages.filter((p) => found.some((f) => f.path === p.path)), broken };
}

function commitSha(): string | null {
  const fromCi = process.env.GITHUB_SHA ?? process.env.CI_COMMIT_SHA ?? process.env.PERFDECK_COMMIT_SHA;
  if (fromCi && /^[0-9a-f]{7,40}$/i.test(fromCi)) return fromCi;
  const r = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  const sha = r.status === 0 ? r.stdout.trim() : '';
  return /^[0-9a-f]{40}$/.test(sha) ? sha : null;
}

// ─── audit ───

async function auditAndStore(args: GateArgs, baseUrl: string, pages: AuditedPageSpec[], cookie: string): Promise<GatePageOutcome[]> {
  const progress = (done: number, total: number, page: string) => log(`Lighthouse ${done}/${total} ${page}`);
  if (!args.store) {
    let budgets: Budget[];
    try {
      const { loadEffectiveBudgets } = await import('../server/webvitals/service');
      budgets = await loadEffectiveBudgets(args.formFactor);
    } catch (err) {
      log(`budgets from the database unavailable (${(err as Error).message.split('\n')[0]}); using the defaults`);
      budgets = defaultBudgets();
    }
    const audits = await auditPages({ baseUrl, pages, formFactor: args.formFactor, runs: args.runs, cookie, onProgress: progress, signal: abort.signal });
    return audits.map((a) => {
      if (!a.ok) return { page: a.page, result: null, pass: false, failures: [], error: a.error };
      const e = evaluatePageResult(budgets, a.result);
      return { page: a.page, result: a.result, pass: e.pass, failures: e.failures };
    });
  }

  const service = await import('../server/webvitals/service');
  const run = await service.createRun(SYSTEM_ACTOR, { formFactor: args.formFactor, pages: pages.map((p) => p.path), commitSha: commitSha() });
  log(`run ${run.id} (${run.formFactor}, ${run.pages.length} pages × ${args.runs} runs)`);
  cleanups.push(() => service.abandonRun(run.id)); // no-op once the run finished
  const summary = await service.executeRun(run.id, {
    baseUrl,
    cookie,
    runs: args.runs,
    signal: abort.signal,
    progress: (fraction, message) => {
      if (message) log(message);
    },
  });
  return summary.outcomes.map((o) =>
    o.ok
      ? { page: o.page, result: o.result, pass: o.evaluation.pass, failures: o.evaluation.failures }
      : { page: o.page, result: null, pass: false, failures: [], error: o.error },
  );
}

async function main(): Promise<number> {
  let args: GateArgs;
  try {
    args = parseGateArgs(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof GateUsageError) {
      process.stderr.write(`${err.message}\n`);
      return EXIT_ERROR;
    }
    throw err;
  }
  const started = Date.now();

  let baseUrl = args.baseUrl;
  if (!baseUrl) {
    if (args.build) buildIfStale();
    const release = await holdSharedBuildLock();
    cleanups.push(release);
    const server = await startServer(args.port);
    cleanups.push(server.stop);
    baseUrl = server.baseUrl;
    log(`console running at ${baseUrl}`);
  }

  const creds = await prepareGateCredentials();
  const cookie = await signIn(baseUrl, creds);
  log(`signed in as ${creds.email}`);

  const role = await gateRole(creds);
  const { allowed, skipped: needRole } = pagesForRole(selectAuditedPages(args.pages), role);
  for (const p of needRole) log(`skipping ${p.path}: needs the ${p.minRole} role (signed in as a ${role})`);
  const { pages, broken } = await discoverPages(baseUrl, allowed, cookie);
  if (!pages.length && !broken.length) {
    log('no page answered 200; nothing to audit');
    out(JSON.stringify(summarizeGate([])));
    return EXIT_ERROR;
  }
  log(`auditing ${pages.map((p) => p.path).join(' ')} (${args.formFactor}, ${args.runs} run${args.runs > 1 ? 's' : ''} each)`);

  const outcomes = [
    ...(pages.length ? await auditAndStore(args, baseUrl, pages, cookie) : []),
    ...broken.map((b) => ({ page: b.path, result: null, pass: false, failures: [], error: `HTTP ${b.status}` })),
  ];
  for (const o of outcomes) out(args.json ? JSON.stringify(gatePageLine(o)) : formatGateLine(o));
  const summary = summarizeGate(outcomes);
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s: ${summary.pages - summary.failed}/${summary.pages} pages within budget`);
  out(JSON.stringify(summary)); // always the last line, for CI
  return summary.failed > 0 ? EXIT_BREACH : 0;
}

let code = EXIT_ERROR;
try {
  code = await main();
} catch (err) {
  const message = (err as Error).message;
  log(`error: ${message}`);
  // CI reads the last line: keep it a summary, with the reason.
  out(JSON.stringify({ ...summarizeGate([]), error: message.split('\n')[0] }));
} finally {
  await cleanup();
  try {
    // The Prisma pool would hold the process open.
    const { db } = await import('../server/db');
    await db().$disconnect();
  } catch {
    // never connected, or the environment was invalid (already reported)
  }
}
process.exit(code);

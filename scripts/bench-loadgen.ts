// Benchmark: requests per generator CPU-second of Perfdeck's load engine vs autocannon and wrk.
//
//   npm run bench:loadgen -- [--rounds 3] [--seconds 5] [--connections 50] [--undici] [--json]
//
// A trivial keep-alive HTTP server runs in its own child process (so its CPU is not charged to any generator).
// Each round runs the three generators one after another, in a rotated order (interleaving spreads machine noise
// fairly), closed model with no think time. Raw RPS on a shared 2-vCPU box is server-bound and noisy; requests per
// generator CPU-second is the stable figure, so the ratios compare that. CPU accounting:
//   ours       — child process, process.cpuUsage() delta around runLoad() (excludes Node/tsx start-up)
//   autocannon — child process, its programmatic API (same code path as its CLI) with the same cpuUsage() delta
//   wrk        — /usr/bin/time -f '%U %S' (a C binary: start-up is negligible)
//   undici     — only with --undici: a plain undici Pool loop, the design alternative we measured against
// Progress lines go to stdout; the LAST line is one JSON object.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SELF = fileURLToPath(import.meta.url);

interface Sample {
  requests: number;
  cpuSec: number;
  elapsedSec: number;
}
interface Figures {
  rps: number;
  reqPerCpuSecond: number;
}

const SERVER_CODE = `
const http = require('node:http');
const body = Buffer.from('hello world');
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: server.address().port }) + '\\n'));
process.on('SIGTERM', () => process.exit(0));
`;

const AUTOCANNON_CODE = `
const autocannon = require('autocannon');
const [url, connections, duration] = process.argv.slice(1);
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
autocannon({ url, connections: Number(connections), duration: Number(duration) }, (err, res) => {
  if (err) { console.error(err); process.exit(1); }
  const cpu = process.cpuUsage(cpu0);
  const elapsedSec = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(JSON.stringify({ requests: res.requests.total, cpuSec: (cpu.user + cpu.system) / 1e6, elapsedSec, non2xx: res.non2xx, errors: res.errors }));
});
`;

// Optional comparison (--undici): the other engine design we measured, a plain undici Pool keep-alive loop.
const UNDICI_CODE = `
const { Pool } = require('undici');
const [url, connections, duration] = process.argv.slice(1);
const pool = new Pool(url, { connections: Number(connections) });
const cpu0 = process.cpuUsage();
const t0 = Date.now();
const end = t0 + Number(duration) * 1000;
let requests = 0;
async function loop() {
  while (Date.now() < end) {
    const { body } = await pool.request({ path: '/', method: 'GET' });
    await body.dump();
    requests++;
  }
}
Promise.all(Array.from({ length: Number(connections) }, loop)).then(async () => {
  const cpu = process.cpuUsage(cpu0);
  console.log(JSON.stringify({ requests, cpuSec: (cpu.user + cpu.system) / 1e6, elapsedSec: (Date.now() - t0) / 1000 }));
  await pool.close();
});
`;

function lastJsonLine(text: string): Record<string, unknown> {
  const lines = text.trim().split('\n').reverse();
  for (const l of lines) {
    try {
      return JSON.parse(l) as Record<string, unknown>;
    } catch {
      /* not JSON */
    }
  }
  throw new Error(`no JSON line in output:\n${text.slice(-2000)}`);
}

function runChild(cmd: string, args: string[], timeoutMs: number): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code });
    });
  });
}

function startServer(): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', SERVER_CODE], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve({ child, url: `http://127.0.0.1:${(JSON.parse(buf.slice(0, nl)) as { port: number }).port}/` });
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`server exited early (${code})`)));
  });
}

async function runOurs(url: string, seconds: number, connections: number): Promise<Sample> {
  const r = await runChild(process.execPath, ['--import', 'tsx', SELF, '--child', '--url', url, '--seconds', String(seconds), '--connections', String(connections)], (seconds + 60) * 1000);
  if (r.code !== 0) throw new Error(`ours failed (${r.code}): ${r.stderr.slice(-2000)}`);
  return lastJsonLine(r.stdout) as unknown as Sample;
}

async function runAutocannon(url: string, seconds: number, connections: number): Promise<Sample> {
  const r = await runChild(process.execPath, ['-e', AUTOCANNON_CODE, url, String(connections), String(seconds)], (seconds + 60) * 1000);
  if (r.code !== 0) throw new Error(`autocannon failed (${r.code}): ${r.stderr.slice(-2000)}`);
  return lastJsonLine(r.stdout) as unknown as Sample;
}

async function runUndici(url: string, seconds: number, connections: number): Promise<Sample> {
  const r = await runChild(process.execPath, ['-e', UNDICI_CODE, url, String(connections), String(seconds)], (seconds + 60) * 1000);
  if (r.code !== 0) throw new Error(`undici failed (${r.code}): ${r.stderr.slice(-2000)}`);
  return lastJsonLine(r.stdout) as unknown as Sample;
}

async function runWrk(url: string, seconds: number, connections: number): Promise<Sample> {
  const r = await runChild('/usr/bin/time', ['-f', 'CPU %U %S %e', '/usr/bin/wrk', '-t1', `-c${connections}`, `-d${seconds}s`, url], (seconds + 60) * 1000);
  if (r.code !== 0) throw new Error(`wrk failed (${r.code}): ${r.stderr.slice(-2000)}`);
  const m = /(\d+) requests in ([\d.]+)(\w+)/.exec(r.stdout);
  const t = /CPU ([\d.]+) ([\d.]+) ([\d.:]+)/.exec(r.stderr);
  if (!m || !t) throw new Error(`cannot read wrk output:\n${r.stdout}\n${r.stderr}`);
  const unit = m[3] === 'ms' ? 0.001 : m[3] === 'm' ? 60 : 1;
  return { requests: Number(m[1]), cpuSec: Number(t[1]) + Number(t[2]), elapsedSec: Number(m[2]) * unit };
}

/** Child mode: run our engine once and print {requests, cpuSec, elapsedSec}. */
async function childMain(url: string, seconds: number, connections: number): Promise<void> {
  const { runLoad } = await import('../server/loadtest/engine');
  const spec = {
    endpoints: [{ name: 'root', method: 'GET' as const, path: '/', weight: 1 }],
    model: { kind: 'closed' as const, vus: connections, thinkTimeMs: 0 },
    stages: [],
    durationSec: seconds,
    timeoutMs: 10_000,
    maxConnections: connections,
    assertions: [],
  };
  const cpu0 = process.cpuUsage();
  const res = await runLoad(spec, { baseUrl: url });
  const cpu = process.cpuUsage(cpu0);
  console.log(
    JSON.stringify({
      requests: res.requests,
      cpuSec: (cpu.user + cpu.system) / 1e6,
      elapsedSec: res.elapsedSec,
      failed: res.failed,
      p99: res.overall.responseTimeMs.p99,
    }),
  );
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x: number, d = 0) => Math.round(x * 10 ** d) / 10 ** d;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '3' },
      seconds: { type: 'string', default: '5' },
      connections: { type: 'string', default: '50' },
      json: { type: 'boolean', default: false },
      child: { type: 'boolean', default: false },
      url: { type: 'string' },
      only: { type: 'string' },
      undici: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const rounds = Number(values.rounds);
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);
  if (!Number.isInteger(rounds) || rounds < 1 || !(seconds > 0) || !Number.isInteger(connections) || connections < 1) {
    console.error('usage: bench-loadgen [--rounds N≥1] [--seconds S>0] [--connections N≥1] [--json]');
    process.exit(2);
  }
  if (values.child) return childMain(values.url!, seconds, connections);
  if (!existsSync('/usr/bin/wrk')) throw new Error('wrk is missing: apt-get install -y wrk');
  if (!existsSync('/usr/bin/time')) throw new Error('/usr/bin/time is missing: apt-get install -y time');

  const { child: server, url } = await startServer();
  const names = ['ours', 'autocannon', 'wrk', 'undici'] as const;
  const runners = { ours: runOurs, autocannon: runAutocannon, wrk: runWrk, undici: runUndici };
  const only = values.only ? new Set(values.only.split(',')) : new Set<string>(values.undici ? names : names.slice(0, 3));
  const samples: Record<(typeof names)[number], Sample[]> = { ours: [], autocannon: [], wrk: [], undici: [] };
  try {
    console.log(`bench-loadgen: ${rounds} rounds × ${seconds}s, ${connections} connections, target ${url} (server in pid ${server.pid})`);
    for (let r = 0; r < rounds; r++) {
      // Rotate the order each round so no generator always runs first (warm caches, thermal state).
      const order = names.map((_, i) => names[(i + r) % names.length]).filter((n) => only.has(n));
      for (const name of order) {
        const s = await runners[name](url, seconds, connections);
        samples[name].push(s);
        console.log(
          `round ${r + 1}/${rounds} ${name.padEnd(10)} ${String(s.requests).padStart(8)} req in ${s.elapsedSec.toFixed(2)}s = ${round(s.requests / s.elapsedSec)} rps, cpu ${s.cpuSec.toFixed(2)}s → ${round(s.requests / s.cpuSec)} req/cpu-s`,
        );
      }
    }
  } finally {
    server.kill('SIGTERM');
  }

  const fig = (xs: Sample[]): Figures =>
    xs.length
      ? { rps: round(median(xs.map((s) => s.requests / s.elapsedSec))), reqPerCpuSecond: round(median(xs.map((s) => s.requests / s.cpuSec))) }
      : { rps: 0, reqPerCpuSecond: 0 };
  // Ratios are medians of per-round ratios (each round's generators ran back to back under similar noise).
  const ratioOf = (mine: Sample[], other: Sample[]) =>
    other.length && mine.length ? round(median(mine.map((s, i) => s.requests / s.cpuSec / (other[i].requests / other[i].cpuSec))), 3) : 0;
  const ratio = (other: Sample[]) => ratioOf(samples.ours, other);
  const out = {
    ours: fig(samples.ours),
    autocannon: fig(samples.autocannon),
    wrk: fig(samples.wrk),
    ratioVsAutocannon: ratio(samples.autocannon),
    ratioVsWrk: ratio(samples.wrk),
  };
  if (samples.undici.length) console.log(`undici Pool: ${JSON.stringify({ ...fig(samples.undici), ratioVsAutocannon: ratioOf(samples.undici, samples.autocannon) })}`);
  if (!values.json) {
    console.log('');
    console.log('generator    median rps   median req/cpu-s');
    for (const n of names) {
      if (!samples[n].length) continue;
      const f = fig(samples[n]);
      console.log(`${n.padEnd(12)} ${String(f.rps).padStart(10)}   ${String(f.reqPerCpuSecond).padStart(16)}`);
    }
    console.log(`ours vs autocannon ${out.ratioVsAutocannon}×, vs wrk ${out.ratioVsWrk}×`);
  }
  console.log(JSON.stringify(out));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});

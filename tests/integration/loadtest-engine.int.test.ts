// The real load engine against an in-process node:http server on 127.0.0.1 (port 0). No database or Redis.
// Counts are checked exactly against what the server saw; the only rate check (open model) allows 5%.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { LoadTargetError, runLoad } from '@/server/loadtest/engine';
import { mergeHistograms, summarizeHistogram } from '@/server/loadtest/histogram';
import { splitShard } from '@/server/loadtest/schedule';
import type { ScenarioSpecInput, SecondSnapshot } from '@/server/loadtest/schema';
import { weightedSequence } from '@/server/loadtest/weights';

const seen = new Map<string, number>();
let stallOnce: { at: number; done: boolean } | null = null;
let delayWindow: { from: number; to: number; ms: number } | null = null;
let handled = 0;

const server = http.createServer((req, res) => {
  const url = req.url ?? '/';
  seen.set(url, (seen.get(url) ?? 0) + 1);
  handled++;
  if (stallOnce && !stallOnce.done && handled >= stallOnce.at) {
    // Block the whole process for 500 ms: a stop-the-world stall (GC pause, CPU starvation). The generator shares
    // this process, so it cannot send on time either: exactly what closed-loop tools fail to see.
    stallOnce.done = true;
    const end = Date.now() + 500;
    while (Date.now() < end) {
      /* spin */
    }
  }
  const reply = () => {
    if (url.startsWith('/chunked')) {
      res.write('abc');
      res.write('defghij');
      return res.end();
    }
    if (url.startsWith('/redirect')) {
      res.writeHead(302, { Location: '/elsewhere' });
      return res.end();
    }
    if (url.startsWith('/fail')) {
      res.statusCode = 503;
      return res.end('busy');
    }
    if (url.startsWith('/hang')) return; // never answers: the engine's timeout must fire
    if (url.startsWith('/reset')) return req.socket.destroy();
    if (url.startsWith('/echo')) {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => res.end(body));
      return;
    }
    res.end('hello world');
  };
  const now = Date.now();
  if (delayWindow && now >= delayWindow.from && now < delayWindow.to) return void setTimeout(reply, delayWindow.ms);
  if (url.startsWith('/slow')) return void setTimeout(reply, 5);
  reply();
});
server.keepAliveTimeout = 60_000;
let baseUrl = '';

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});
function reset() {
  seen.clear();
  handled = 0;
  stallOnce = null;
  delayWindow = null;
}
const count = (path: string) => seen.get(path) ?? 0;

const endpoints = [
  { name: 'a', method: 'GET' as const, path: '/slow/a', weight: 3 },
  { name: 'b', method: 'GET' as const, path: '/slow/b', weight: 2 },
  { name: 'c', method: 'POST' as const, path: '/echo/c', body: '{"n": {{seq}}}', weight: 1 },
];

describe('load engine against a local server', () => {
  it('closed model: counts match the server exactly, weights are exact, snapshots add up', async () => {
    reset();
    const snaps: SecondSnapshot[] = [];
    const spec: ScenarioSpecInput = {
      endpoints,
      model: { kind: 'closed', vus: 6, thinkTimeMs: 0 },
      durationSec: 3,
      timeoutMs: 5000,
      maxConnections: 6,
    };
    const r = await runLoad(spec, { baseUrl, onSecond: (s) => snaps.push(s) });
    expect(r.aborted).toBe(false);
    expect(r.failed).toBe(0);
    expect(r.requests).toBe(handled);
    expect(r.requests).toBeGreaterThan(6);
    // /slow/* takes ≥ 5 ms, so no VU can finish more than D / 5 ms of those.
    expect(r.byEndpoint.a.requests + r.byEndpoint.b.requests).toBeLessThanOrEqual(6 * (3000 / 5 + 1));
    expect(r.byEndpoint.a.requests).toBe(count('/slow/a'));
    expect(r.byEndpoint.b.requests).toBe(count('/slow/b'));
    expect(r.byEndpoint.c.requests).toBe(count('/echo/c'));
    // Smooth weighted round-robin: every pick completes, so shares are exact to within one period (6 picks).
    const n = r.requests;
    for (const [name, w] of [['a', 3], ['b', 2], ['c', 1]] as const) expect(Math.abs(r.byEndpoint[name].requests - (n * w) / 6)).toBeLessThanOrEqual(w);
    // One snapshot per second; they add up to the totals; merged HDR deltas equal the cumulative histogram.
    expect(snaps.map((s) => s.second)).toEqual([0, 1, 2]);
    expect(snaps.reduce((s, x) => s + x.requests, 0)).toBe(r.requests);
    expect(summarizeHistogram(mergeHistograms(snaps.map((s) => s.overall.hist)))).toEqual(r.overall.responseTimeMs);
    expect(summarizeHistogram(mergeHistograms(snaps.map((s) => s.byEndpoint.a.svcHist)))).toEqual(r.byEndpoint.a.serviceTimeMs);
    expect(r.overall.serviceTimeMs.p50).toBeGreaterThanOrEqual(4.9);
    expect(snaps[0].activeVus).toBe(6);
  });

  it('open model: every scheduled request is sent, weights exact, rate achieved within 5%', async () => {
    reset();
    const spec: ScenarioSpecInput = { endpoints, model: { kind: 'open', rate: 200 }, durationSec: 3, timeoutMs: 5000, maxConnections: 50 };
    const r = await runLoad(spec, { baseUrl });
    expect(r.scheduled).toBe(600);
    expect(r.dropped).toBe(0);
    expect(r.failed).toBe(0);
    expect(r.requests).toBe(600);
    expect(handled).toBe(600);
    const seq = weightedSequence([3, 2, 1]);
    const want = [0, 0, 0];
    for (let k = 0; k < 600; k++) want[seq[k % seq.length]]++;
    expect([r.byEndpoint.a.requests, r.byEndpoint.b.requests, r.byEndpoint.c.requests]).toEqual(want);
    expect(r.rps).toBeGreaterThan(200 * 0.95);
    expect(r.rps).toBeLessThan(200 * 1.05);
  });

  it('two shards with a common start issue exactly the unsharded schedule', async () => {
    reset();
    const spec: ScenarioSpecInput = { endpoints, model: { kind: 'open', rate: 150 }, durationSec: 2, timeoutMs: 5000, maxConnections: 40 };
    const startAt = Date.now() + 300;
    const [s0, s1] = await Promise.all([0, 1].map((index) => runLoad(spec, { baseUrl, shard: { index, count: 2 }, startAt })));
    expect(s0.scheduled! + s1.scheduled!).toBe(300);
    expect(s0.requests + s1.requests).toBe(300);
    expect(s0.dropped + s1.dropped).toBe(0);
    const seq = weightedSequence([3, 2, 1]);
    const want = { a: 0, b: 0, c: 0 } as Record<string, number>;
    for (let k = 0; k < 300; k++) want['abc'[seq[k % seq.length]]]++;
    for (const name of ['a', 'b', 'c']) expect(s0.byEndpoint[name].requests + s1.byEndpoint[name].requests).toBe(want[name]);
    expect(s0.scheduled).toBe(splitShard({ ...spec, stages: [], assertions: [] } as never, 0, 2).scheduledRequests);
    expect(s0.startedAt).toBe(s1.startedAt);
  });

  it('coordinated omission: a 500 ms stop-the-world stall shows in response time, not in service time', async () => {
    reset();
    stallOnce = { at: 150, done: false };
    const spec: ScenarioSpecInput = {
      endpoints: [{ name: 'root', method: 'GET', path: '/', weight: 1 }],
      model: { kind: 'open', rate: 100 },
      durationSec: 5,
      timeoutMs: 5000,
      maxConnections: 100,
    };
    const r = await runLoad(spec, { baseUrl });
    expect(stallOnce.done).toBe(true);
    expect(r.requests).toBe(500);
    expect(r.dropped).toBe(0);
    // ~50 requests (10%) were due during the stall and left late; measured from their intended start they waited
    // up to 500 ms, while only the stalled request itself has a long service time (< 1% of samples).
    expect(r.lateStarts).toBeGreaterThanOrEqual(20);
    expect(r.overall.responseTimeMs.p99).toBeGreaterThan(250);
    expect(r.overall.responseTimeMs.p99).toBeGreaterThan(5 * r.overall.serviceTimeMs.p99);
    expect(r.overall.responseTimeMs.count).toBe(500); // one sample per request, none invented
  });

  it('open model at the connection cap: late work is dropped and counted, never recorded', async () => {
    reset();
    const spec: ScenarioSpecInput = {
      endpoints: [{ name: 'root', method: 'GET', path: '/', weight: 1 }],
      model: { kind: 'open', rate: 100 },
      durationSec: 3,
      timeoutMs: 5000,
      maxConnections: 3,
    };
    const now = Date.now();
    delayWindow = { from: now + 1000, to: now + 1500, ms: 500 }; // requests arriving then take 500 ms
    const r = await runLoad(spec, { baseUrl });
    expect(r.dropped).toBeGreaterThan(0);
    expect(r.requests + r.dropped).toBe(300);
    expect(r.overall.responseTimeMs.count).toBe(r.requests);
    expect(handled).toBe(r.requests);
  });

  it('counts statuses and errors: 3xx not followed, 5xx, chunked, timeout, reset, refused', async () => {
    reset();
    const spec: ScenarioSpecInput = {
      endpoints: [
        { name: 'redirect', method: 'GET', path: '/redirect', weight: 1 },
        { name: 'fail', method: 'GET', path: '/fail', weight: 1 },
        { name: 'chunked', method: 'GET', path: '/chunked', weight: 1 },
        { name: 'head', method: 'HEAD', path: '/', weight: 1 },
        { name: 'hang', method: 'GET', path: '/hang', weight: 1 },
        { name: 'reset', method: 'GET', path: '/reset', weight: 1 },
      ],
      model: { kind: 'closed', vus: 3, thinkTimeMs: 20 },
      durationSec: 1.5,
      timeoutMs: 200,
      maxConnections: 3,
    };
    const r = await runLoad(spec, { baseUrl });
    const e = r.byEndpoint;
    expect(e.redirect.status['3xx']).toBe(e.redirect.requests);
    expect(e.redirect.requests).toBeGreaterThan(0);
    expect(count('/elsewhere')).toBe(0);
    expect(e.fail.status['5xx']).toBe(e.fail.requests);
    expect(e.chunked.status['2xx']).toBe(e.chunked.requests);
    expect(e.head.status['2xx']).toBe(e.head.requests);
    expect(e.hang.errors.timeout).toBe(e.hang.requests);
    expect(e.hang.requests).toBeGreaterThan(0);
    expect(e.reset.errors.reset).toBe(e.reset.requests);
    expect(r.failed).toBe(e.fail.requests + e.hang.requests + e.reset.requests);

    // A port nobody listens on: connect errors, with back-off (bounded), not a crash.
    const closed = http.createServer();
    await new Promise<void>((res) => closed.listen(0, '127.0.0.1', res));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((res) => closed.close(() => res()));
    const refused = await runLoad(
      { endpoints: [{ name: 'x', method: 'GET', path: '/', weight: 1 }], model: { kind: 'closed', vus: 2, thinkTimeMs: 0 }, durationSec: 0.5, timeoutMs: 500, maxConnections: 2 },
      { baseUrl: `http://127.0.0.1:${deadPort}` },
    );
    expect(refused.overall.errors.connect).toBeGreaterThan(0);
    expect(refused.overall.errors.connect).toBe(refused.requests);
    expect(refused.requests).toBeLessThan(100);
  });

  it('aborts on a signal and on a failing abortOnFail assertion', async () => {
    reset();
    const base: ScenarioSpecInput = { endpoints, model: { kind: 'closed', vus: 2, thinkTimeMs: 0 }, durationSec: 30, timeoutMs: 2000, maxConnections: 2 };
    const ac = new AbortController();
    const p = runLoad(base, { baseUrl, signal: ac.signal, onSecond: () => ac.abort(new Error('stop now')) });
    const r = await p;
    expect(r.aborted).toBe(true);
    expect(r.abortReason).toBe('stop now');
    expect(r.seconds).toBeLessThanOrEqual(3);

    const a = await runLoad(
      { ...base, assertions: [{ metric: 'p95', op: '<', value: 1, abortOnFail: true }] },
      { baseUrl, liveGrace: { minElapsedSec: 1, minRequests: 10 } },
    );
    expect(a.aborted).toBe(true);
    expect(a.abortReason).toContain('p95 < 1 ms');
    expect(a.assertions[0].passed).toBe(false);
  });

  it('refuses non-loopback hosts unless allowed', async () => {
    const spec: ScenarioSpecInput = { endpoints, model: { kind: 'open', rate: 1 }, durationSec: 1, timeoutMs: 100, maxConnections: 1 };
    await expect(runLoad(spec, { baseUrl: 'http://10.1.2.3:80' })).rejects.toThrow(LoadTargetError);
    await expect(runLoad(spec, { baseUrl, allowedHosts: ['example.test'] })).rejects.toThrow('not in the allowed hosts');
  });

  it('perfdeck load --json ends with exactly one JSON object; bad arguments exit 2', async () => {
    reset();
    const cli = (args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/perfdeck-cli.ts', 'load', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const t = setTimeout(() => child.kill('SIGKILL'), 60_000);
        child.on('close', (code) => {
          clearTimeout(t);
          resolve({ code, stdout, stderr });
        });
      });
    const good = await cli(['--url', `${baseUrl}/cli`, '--rate', '40', '--duration', '1s', '--json']);
    expect(good.code).toBe(0);
    const last = good.stdout.trim().split('\n').pop()!;
    const j = JSON.parse(last) as Record<string, unknown>;
    expect(Object.keys(j)).toEqual(['requests', 'rps', 'errors', 'responseTimeMs', 'serviceTimeMs', 'lateStarts', 'dropped']);
    expect(j.requests).toBe(40);
    expect(count('/cli')).toBe(40);
    const bad = await cli(['--url', `${baseUrl}/`, '--rate', '0', '--duration', '1s']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});

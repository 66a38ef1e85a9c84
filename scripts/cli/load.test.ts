import { describe, expect, it } from 'vitest';
import { UsageError, parseLoadArgs, toJson } from './load';
import type { LoadResult } from '../../server/loadtest/schema';

const ok = (argv: string[]) => {
  const r = parseLoadArgs(argv);
  if (r === 'help') throw new Error('unexpected help');
  return r;
};
const err = (argv: string[]) => {
  try {
    parseLoadArgs(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('expected a UsageError');
};

describe('perfdeck load arguments', () => {
  it('builds an open-model spec from --rate', () => {
    const a = ok(['--url', 'http://127.0.0.1:4000/api/x?q=1', '--rate', '50', '--duration', '2m', '--header', 'X-A: 1', '--timeout', '750ms', '--json']);
    expect(a.baseUrl).toBe('http://127.0.0.1:4000');
    expect(a.json).toBe(true);
    expect(a.spec.model).toEqual({ kind: 'open', rate: 50 });
    expect(a.spec.durationSec).toBe(120);
    expect(a.spec.timeoutMs).toBe(750);
    expect(a.spec.maxConnections).toBe(100);
    expect(a.spec.endpoints[0]).toMatchObject({ method: 'GET', path: '/api/x?q=1', headers: { 'X-A': '1' } });
    expect(a.allowedHosts).toBeUndefined();
  });

  it('builds a closed-model spec from --vus with body and think time', () => {
    const a = ok(['--url', 'http://localhost:4000/', '--vus', '8', '--duration', '30s', '--method', 'post', '--body', '{"n": {{seq}}}', '--think', '100ms']);
    expect(a.spec.model).toEqual({ kind: 'closed', vus: 8, thinkTimeMs: 100 });
    expect(a.spec.maxConnections).toBe(8);
    expect(a.spec.endpoints[0]).toMatchObject({ method: 'POST', body: '{"n": {{seq}}}' });
  });

  it('rejects bad arguments with one clear message', () => {
    expect(err(['--rate', '1', '--duration', '1s'])).toBe('--url is required');
    expect(err(['--url', 'http://127.0.0.1/', '--duration', '1s'])).toContain('exactly one of --rate');
    expect(err(['--url', 'http://127.0.0.1/', '--rate', '1', '--vus', '1', '--duration', '1s'])).toContain('exactly one of --rate');
    expect(err(['--url', 'http://127.0.0.1/', '--rate', '1'])).toContain('--duration is required');
    expect(err(['--url', 'http://127.0.0.1/', '--rate', 'fast', '--duration', '1s'])).toContain('--rate must be a number');
    expect(err(['--url', 'http://127.0.0.1/', '--rate', '1', '--duration', 'soon'])).toContain('--duration must be a duration');
    expect(err(['--url', 'http://127.0.0.1/', '--vus', '2.5', '--duration', '1s'])).toContain('--vus: virtual users (vus) must be a whole number');
    expect(err(['--url', 'http://127.0.0.1/', '--rate', '1', '--duration', '1s', '--method', 'BREW'])).toContain('--method must be one of');
    expect(err(['--url', 'http://127.0.0.1/', '--rate', '1', '--duration', '1s', '--body', '{oops'])).toContain('--body: body must be JSON');
    expect(err(['--url', 'http://127.0.0.1/', '--rate', '1', '--duration', '1s', '--nope'])).toContain("Unknown option '--nope'");
  });

  it('allows only loopback unless --allow-host names the host', () => {
    expect(err(['--url', 'http://10.0.0.5/', '--rate', '1', '--duration', '1s'])).toContain('add --allow-host 10.0.0.5');
    expect(err(['--url', 'http://10.0.0.5/', '--rate', '1', '--duration', '1s', '--allow-host', '10.0.0.6'])).toContain('add --allow-host 10.0.0.5');
    expect(ok(['--url', 'http://10.0.0.5/', '--rate', '1', '--duration', '1s', '--allow-host', '10.0.0.5']).allowedHosts).toEqual(['10.0.0.5']);
  });

  it('prints exactly the documented JSON keys', () => {
    const s = { p50: 1, p90: 2, p95: 3, p99: 4, p999: 5, max: 6, mean: 2, count: 10 };
    const j = toJson({ requests: 10, rps: 5.12345, failed: 1, lateStarts: 2, dropped: 3, overall: { responseTimeMs: s, serviceTimeMs: s } } as unknown as LoadResult);
    expect(Object.keys(j)).toEqual(['requests', 'rps', 'errors', 'responseTimeMs', 'serviceTimeMs', 'lateStarts', 'dropped']);
    expect(Object.keys(j.responseTimeMs)).toEqual(['p50', 'p90', 'p95', 'p99', 'p999', 'max']);
    expect(j.rps).toBe(5.123);
    expect(j.errors).toBe(1);
  });
});

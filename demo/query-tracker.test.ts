import { afterEach, describe, expect, it, vi } from 'vitest';
import { createQueryTracker, queryTrackerOptionsFromEnv, type Queryable } from './query-tracker';

// A fake database: answers EXPLAIN with a plan, everything else with one row; can be told to fail.
function fakeDb(opts: { fail?: boolean } = {}) {
  const calls: { text: string; params?: unknown[] }[] = [];
  const db: Queryable = {
    async query(text: string, params?: unknown[]) {
      calls.push({ text, params });
      if (opts.fail) throw new Error('relation "nope" does not exist');
      const rows = text.startsWith('EXPLAIN') ? [{ 'QUERY PLAN': [{ Plan: { 'Node Type': 'Seq Scan' } }] }] : [{ n: 1 }];
      return { rows, rowCount: rows.length, command: 'SELECT', oid: 0, fields: [] } as never;
    },
  };
  return { db, calls };
}

function fakeFetch(status = 202) {
  const requests: { url: string; init: RequestInit; body: any }[] = [];
  const fn = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    requests.push({ url: String(url), init: init!, body: JSON.parse(String(init!.body)) });
    return new Response(null, { status });
  });
  return { fetch: fn as unknown as typeof fetch, requests };
}

const ingest = { ingestUrl: 'http://127.0.0.1:9/api/v1/queries', token: 'tok-123' };

afterEach(() => vi.useRealTimers());

describe('query tracker', () => {
  it('posts {target, samples:[{query, durationMs, at}]} with the bearer token', async () => {
    const { db } = fakeDb();
    const f = fakeFetch();
    const tracker = createQueryTracker({ ...ingest, fetch: f.fetch });
    const result = await tracker.trackQuery(db, 'SELECT * FROM leads WHERE status = $1', ['new']);
    expect(result.rows).toEqual([{ n: 1 }]);
    await tracker.flush();
    expect(f.requests).toHaveLength(1);
    const [req] = f.requests;
    expect(req.url).toBe(ingest.ingestUrl);
    expect(req.init.method).toBe('POST');
    expect((req.init.headers as Record<string, string>).authorization).toBe('Bearer tok-123');
    expect(Object.keys(req.body)).toEqual(['target', 'samples']);
    expect(req.body.target).toBe('Lead-gen demo');
    expect(req.body.samples).toHaveLength(1);
    const [sample] = req.body.samples;
    expect(Object.keys(sample).sort()).toEqual(['at', 'durationMs', 'query']);
    expect(sample.query).toBe('SELECT * FROM leads WHERE status = $1');
    expect(sample.durationMs).toBeGreaterThanOrEqual(0);
    expect(new Date(sample.at).toISOString()).toBe(sample.at);
    await tracker.close();
  });

  it('sends batches on its own every intervalMs', async () => {
    vi.useFakeTimers();
    const { db } = fakeDb();
    const f = fakeFetch();
    const tracker = createQueryTracker({ ...ingest, fetch: f.fetch, intervalMs: 5_000 });
    await tracker.trackQuery(db, 'SELECT 1');
    await vi.advanceTimersByTimeAsync(4_999);
    expect(f.requests).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(f.requests).toHaveLength(1);
    await tracker.close();
  });

  it('does nothing but run the query when not configured', async () => {
    const { db, calls } = fakeDb();
    const f = fakeFetch();
    const tracker = createQueryTracker({ fetch: f.fetch, planSampleRate: 1 });
    expect(tracker.enabled).toBe(false);
    await tracker.trackQueryWithPlan(db, 'SELECT 1');
    await tracker.close();
    expect(calls.map((c) => c.text)).toEqual(['SELECT 1']);
    expect(f.requests).toHaveLength(0);
  });

  it('caps a batch at maxBatch samples', async () => {
    const { db } = fakeDb();
    const f = fakeFetch();
    const tracker = createQueryTracker({ ...ingest, fetch: f.fetch });
    for (let i = 0; i < 1200; i++) await tracker.trackQuery(db, `SELECT ${i}`);
    await tracker.flush();
    expect(f.requests[0].body.samples).toHaveLength(500);
    await tracker.flush(); // the overflow was dropped, not queued
    expect(f.requests).toHaveLength(1);
    await tracker.close();
  });

  it('drops a failed batch with one warning per outage and recovers', async () => {
    const { db } = fakeDb();
    const warn = vi.fn();
    let status = 503;
    const requests: unknown[] = [];
    const fetchFn = (async (_url: string, init: RequestInit) => {
      requests.push(JSON.parse(String(init.body)));
      return new Response('down', { status });
    }) as unknown as typeof fetch;
    const tracker = createQueryTracker({ ...ingest, fetch: fetchFn, warn });
    for (let round = 0; round < 3; round++) {
      await tracker.trackQuery(db, 'SELECT 1');
      await tracker.flush();
    }
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatch(/dropped 1 samples.*HTTP 503/);
    status = 202;
    await tracker.trackQuery(db, 'SELECT 1');
    await tracker.flush();
    status = 500;
    await tracker.trackQuery(db, 'SELECT 1');
    await tracker.flush();
    expect(warn).toHaveBeenCalledTimes(2);
    expect(requests).toHaveLength(5); // nothing re-sent: every batch went out exactly once
    await tracker.close();
  });

  it('a network error is also a dropped batch, never a thrown error', async () => {
    const { db } = fakeDb();
    const warn = vi.fn();
    const fetchFn = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof fetch;
    const tracker = createQueryTracker({ ...ingest, fetch: fetchFn, warn });
    await tracker.trackQuery(db, 'SELECT 1');
    await expect(tracker.flush()).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledOnce();
    await tracker.close();
  });

  it('does not record failed queries and rethrows their error', async () => {
    const { db } = fakeDb({ fail: true });
    const f = fakeFetch();
    const tracker = createQueryTracker({ ...ingest, fetch: f.fetch });
    await expect(tracker.trackQuery(db, 'SELECT * FROM nope')).rejects.toThrow(/does not exist/);
    await tracker.close();
    expect(f.requests).toHaveLength(0);
  });

  it('attaches an EXPLAIN (FORMAT JSON) plan to 1 in N samples, with the same parameters', async () => {
    const { db, calls } = fakeDb();
    const f = fakeFetch();
    const tracker = createQueryTracker({ ...ingest, fetch: f.fetch, planSampleRate: 2 });
    for (let i = 0; i < 4; i++) await tracker.trackQueryWithPlan(db, 'SELECT * FROM leads WHERE id = $1', [i]);
    await tracker.close(); // waits for the plans, then sends
    const samples = f.requests.flatMap((r) => r.body.samples);
    expect(samples).toHaveLength(4);
    const withPlan = samples.filter((s: { plan?: unknown }) => s.plan);
    expect(withPlan).toHaveLength(2);
    expect(withPlan[0].plan).toEqual([{ Plan: { 'Node Type': 'Seq Scan' } }]);
    const explains = calls.filter((c) => c.text.startsWith('EXPLAIN'));
    expect(explains.map((c) => c.text)).toEqual([
      'EXPLAIN (FORMAT JSON) SELECT * FROM leads WHERE id = $1',
      'EXPLAIN (FORMAT JSON) SELECT * FROM leads WHERE id = $1',
    ]);
    expect(explains.map((c) => c.params)).toEqual([[1], [3]]);
  });

  it('reads its settings from the environment', () => {
    expect(
      queryTrackerOptionsFromEnv({
        PERFDECK_INGEST_URL: 'http://127.0.0.1:3000/api/v1/queries',
        PERFDECK_API_TOKEN: 't',
        PERFDECK_PLAN_SAMPLE_RATE: '10',
      }),
    ).toEqual({ ingestUrl: 'http://127.0.0.1:3000/api/v1/queries', token: 't', planSampleRate: 10 });
    expect(queryTrackerOptionsFromEnv({ PERFDECK_PLAN_SAMPLE_RATE: 'often' })).toEqual({
      ingestUrl: undefined,
      token: undefined,
      planSampleRate: 0,
    });
  });
});

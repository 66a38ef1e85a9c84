// Optional "agent" mode: times every SQL query the demo API runs and ships the samples to Perfdeck's ingest
// endpoint in batches, the way an app would report to an APM. Strictly best effort: it never blocks or fails a
// request, keeps bounded memory, and drops a batch that cannot be delivered.
import type { QueryResult, QueryResultRow } from 'pg';

export const DEFAULT_TARGET_NAME = 'Lead-gen demo';

export interface QuerySample {
  /** The statement text exactly as sent, with $1-style placeholders (never the parameter values). */
  query: string;
  durationMs: number;
  /** When the query started, ISO. */
  at: string;
  /** EXPLAIN (FORMAT JSON) output as Postgres returns it (an array with one { Plan } object). */
  plan?: unknown;
}

export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(text: string, params?: unknown[]): Promise<QueryResult<R>>;
}

export interface QueryTrackerOptions {
  /** Perfdeck ingest URL, e.g. http://127.0.0.1:3000/api/v1/queries. Without it (or a token) nothing is sent. */
  ingestUrl?: string;
  token?: string;
  target?: string;
  intervalMs?: number;
  /** Most samples per batch; beyond it the batch is a uniform random sample of the interval's queries. */
  maxBatch?: number;
  /** 1 in N samples of trackQueryWithPlan also carry an EXPLAIN plan; 0 = never. */
  planSampleRate?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
  warn?: (line: string) => void;
}

export interface QueryTracker {
  readonly enabled: boolean;
  trackQuery<R extends QueryResultRow = QueryResultRow>(
    db: Queryable,
    text: string,
    params?: unknown[],
  ): Promise<QueryResult<R>>;
  trackQueryWithPlan<R extends QueryResultRow = QueryResultRow>(
    db: Queryable,
    text: string,
    params?: unknown[],
  ): Promise<QueryResult<R>>;
  /** Sends what is buffered now (the timer does this every intervalMs). */
  flush(): Promise<void>;
  /** Stops the timer, waits for in-flight plans and sends the last batch. */
  close(): Promise<void>;
}

export function queryTrackerOptionsFromEnv(env: Record<string, string | undefined> = process.env): QueryTrackerOptions {
  const rate = Number(env.PERFDECK_PLAN_SAMPLE_RATE ?? 0);
  return {
    ingestUrl: env.PERFDECK_INGEST_URL?.trim() || undefined,
    token: env.PERFDECK_API_TOKEN?.trim() || undefined,
    planSampleRate: Number.isFinite(rate) && rate >= 1 ? Math.floor(rate) : 0,
  };
}

const round3 = (ms: number) => Math.round(ms * 1000) / 1000;

export function createQueryTracker(opts: QueryTrackerOptions = {}): QueryTracker {
  const enabled = Boolean(opts.ingestUrl && opts.token);
  const target = opts.target ?? DEFAULT_TARGET_NAME;
  const intervalMs = opts.intervalMs ?? 5_000;
  const maxBatch = Math.max(1, opts.maxBatch ?? 500);
  const planEvery = Math.max(0, Math.floor(opts.planSampleRate ?? 0));
  const timeoutMs = opts.timeoutMs ?? 3_000;
  const doFetch = opts.fetch ?? globalThis.fetch;
  const warn = opts.warn ?? ((line: string) => console.warn(line));

  let buffer: QuerySample[] = [];
  let seenThisBatch = 0;
  let planCounter = 0;
  let timer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> | null = null;
  let failing = false;
  let closed = false;
  const pendingPlans = new Set<Promise<void>>();

  function record(sample: QuerySample) {
    if (!enabled || closed) return;
    seenThisBatch++;
    // Reservoir sampling: memory stays at maxBatch and the batch stays representative under heavy load.
    if (buffer.length < maxBatch) buffer.push(sample);
    else {
      const j = Math.floor(Math.random() * seenThisBatch);
      if (j < maxBatch) buffer[j] = sample;
    }
    // Started on first use and unref'd: a tracker that is never used, or a process that is otherwise done,
    // is not kept alive by it.
    if (!timer) {
      timer = setInterval(() => void flush(), intervalMs);
      timer.unref();
    }
  }

  async function send(samples: QuerySample[]) {
    try {
      const res = await doFetch(opts.ingestUrl!, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.token}` },
        body: JSON.stringify({ target, samples }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined); // release the connection
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      failing = false;
    } catch (err) {
      // One line per outage, not one per batch: Perfdeck being down must not flood the demo's log.
      if (!failing) {
        warn(
          `query tracker: dropped ${samples.length} samples, ingest failed (${(err as Error).message}); ` +
            'further failures are silent until a batch succeeds',
        );
      }
      failing = true;
    }
  }

  function flush(): Promise<void> {
    if (flushing) return flushing; // one request in flight at a time
    if (buffer.length === 0) return Promise.resolve();
    const samples = buffer;
    buffer = [];
    seenThisBatch = 0;
    flushing = send(samples).finally(() => {
      flushing = null;
    });
    return flushing;
  }

  async function trackQuery<R extends QueryResultRow>(db: Queryable, text: string, params?: unknown[]) {
    const at = new Date().toISOString();
    const t0 = performance.now();
    const result = await db.query<R>(text, params);
    // Only successful queries: a failed statement's text may not even parse, and its time is not a latency.
    record({ query: text, durationMs: round3(performance.now() - t0), at });
    return result;
  }

  async function trackQueryWithPlan<R extends QueryResultRow>(db: Queryable, text: string, params?: unknown[]) {
    if (!enabled || planEvery === 0 || closed) return trackQuery<R>(db, text, params);
    const at = new Date().toISOString();
    const t0 = performance.now();
    const result = await db.query<R>(text, params);
    const sample: QuerySample = { query: text, durationMs: round3(performance.now() - t0), at };
    planCounter++;
    if (planCounter % planEvery !== 0) {
      record(sample);
      return result;
    }
    // The plan is fetched after the response is on its way: plain EXPLAIN (no ANALYZE) never executes the
    // statement, so it is safe even for an INSERT, and its cost is not added to the request.
    const pending = db
      .query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${text}`, params)
      .then(
        (res) => record({ ...sample, plan: res.rows[0]?.['QUERY PLAN'] }),
        () => record(sample),
      )
      .finally(() => pendingPlans.delete(pending));
    pendingPlans.add(pending);
    return result;
  }

  async function close() {
    if (timer) clearInterval(timer);
    timer = null;
    await Promise.allSettled([...pendingPlans]);
    if (flushing) await flushing;
    await flush();
    closed = true;
  }

  return { enabled, trackQuery, trackQueryWithPlan, flush, close };
}

// The process-wide tracker configured from the environment, for callers that do not manage their own.
let defaultTracker: QueryTracker | null = null;

export function getDefaultQueryTracker(): QueryTracker {
  defaultTracker ??= createQueryTracker(queryTrackerOptionsFromEnv());
  return defaultTracker;
}

/** Runs `text` on `db`, timing it and (when PERFDECK_INGEST_URL and PERFDECK_API_TOKEN are set) reporting it. */
export function trackQuery<R extends QueryResultRow = QueryResultRow>(
  db: Queryable,
  text: string,
  params?: unknown[],
): Promise<QueryResult<R>> {
  return getDefaultQueryTracker().trackQuery<R>(db, text, params);
}

/** Like trackQuery; 1 in PERFDECK_PLAN_SAMPLE_RATE samples also carries the statement's EXPLAIN (FORMAT JSON). */
export function trackQueryWithPlan<R extends QueryResultRow = QueryResultRow>(
  db: Queryable,
  text: string,
  params?: unknown[],
): Promise<QueryResult<R>> {
  return getDefaultQueryTracker().trackQueryWithPlan<R>(db, text, params);
}

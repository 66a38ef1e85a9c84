// The demo target: a small insurance lead-gen API (plain node:http + pg) that Perfdeck load-tests and whose
// database Perfdeck's index advisor inspects. CLI: node --import tsx demo/server.ts
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import type pg from 'pg';
import { createDemoPool, demoDatabaseUrl, isDatabaseUnavailable, isQueryTimeout } from './db';
import {
  buildCreateLeadSql,
  buildLeadByIdSql,
  buildLeadSearchSql,
  buildPoliciesOfLeadSql,
  nextLeadCursor,
  parseCreateLead,
  parseLeadId,
  parseLeadSearch,
  type FieldIssue,
  type SqlQuery,
} from './lead-query';
import { createDemoMetrics, type DemoMetrics } from './metrics';
import { buildPolicySearchSql, parsePolicySearch } from './policy-query';
import { createQueryTracker, queryTrackerOptionsFromEnv, type QueryTracker } from './query-tracker';

export interface DemoServerOptions {
  /** 0 picks a free port (tests). Default DEMO_PORT or 4010. */
  port?: number;
  host?: string;
  databaseUrl?: string;
  /** Defaults to a tracker configured from PERFDECK_INGEST_URL / PERFDECK_API_TOKEN / PERFDECK_PLAN_SAMPLE_RATE. */
  tracker?: QueryTracker;
  /** Where one-line error reports go (never stack traces to clients). */
  log?: (line: string) => void;
}

export interface DemoServer {
  url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: { error: string; issues?: FieldIssue[] },
    readonly headers: Record<string, string> = {},
  ) {
    super(body.error);
  }
}

const badRequest = (error: string, issues: FieldIssue[]) => new HttpError(400, { error, issues });

interface Ctx {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  url: URL;
  params: Record<string, string>;
}

interface Route {
  method: 'GET' | 'POST';
  /** Label value for metrics: the template, never the concrete path (bounded cardinality). */
  template: string;
  pattern: RegExp;
  handle(ctx: Ctx): Promise<void>;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(payload);
}

async function readJsonBody(req: http.IncomingMessage): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') {
    throw new HttpError(415, { error: 'send the body as application/json' }, { connection: 'close' });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    // Connection: close — the rest of an oversized body is never read, so the socket cannot be reused.
    if (size > MAX_BODY_BYTES) throw new HttpError(413, { error: 'body larger than 64 KiB' }, { connection: 'close' });
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw badRequest('invalid JSON body', [{ field: 'body', message: 'is not valid JSON' }]);
  }
}

export async function startDemoServer(opts: DemoServerOptions = {}): Promise<DemoServer> {
  const databaseUrl = opts.databaseUrl ?? demoDatabaseUrl();
  const log = opts.log ?? ((line: string) => console.error(line));
  const pool = createDemoPool(databaseUrl);
  const metrics: DemoMetrics = createDemoMetrics();
  const ownTracker = !opts.tracker;
  const tracker = opts.tracker ?? createQueryTracker(queryTrackerOptionsFromEnv());

  /** Every API query: timed into the histogram and (optionally) reported to Perfdeck with its SQL text. */
  async function run<R extends pg.QueryResultRow>(name: string, q: SqlQuery): Promise<R[]> {
    const end = metrics.dbQueryDuration.startTimer({ query: name });
    try {
      return (await tracker.trackQueryWithPlan<R>(pool, q.sql, q.params)).rows;
    } finally {
      end();
    }
  }

  const routes: Route[] = [
    {
      method: 'GET',
      template: '/health',
      pattern: /^\/health$/,
      async handle({ res }) {
        try {
          await pool.query('SELECT 1');
          sendJson(res, 200, { status: 'ok', db: 'ok' });
        } catch {
          sendJson(res, 503, { status: 'error', db: 'unavailable' });
        }
      },
    },
    {
      method: 'GET',
      template: '/metrics',
      pattern: /^\/metrics$/,
      async handle({ res }) {
        const body = await metrics.registry.metrics();
        res.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' });
        res.end(body);
      },
    },
    {
      method: 'GET',
      template: '/api/v1/leads',
      pattern: /^\/api\/v1\/leads$/,
      async handle({ res, url }) {
        const parsed = parseLeadSearch(url.searchParams);
        if (!parsed.ok) throw badRequest('invalid query parameters', parsed.issues);
        const input = parsed.value;
        const sql = buildLeadSearchSql(input);
        const [rows, count] = await Promise.all([
          run<{ id: number; created_at: Date }>('lead_search', sql.rows),
          sql.count ? run<{ total: number }>('lead_count', sql.count) : Promise.resolve(null),
        ]);
        sendJson(res, 200, {
          data: rows,
          page: {
            limit: input.limit,
            offset: input.offset,
            ...(count ? { total: count[0].total } : {}),
            next_cursor: nextLeadCursor(rows, input),
          },
        });
      },
    },
    {
      method: 'POST',
      template: '/api/v1/leads',
      pattern: /^\/api\/v1\/leads$/,
      async handle({ req, res }) {
        const parsed = parseCreateLead(await readJsonBody(req));
        if (!parsed.ok) throw badRequest('invalid lead', parsed.issues);
        try {
          const [row] = await run<{ id: number }>('lead_create', buildCreateLeadSql(parsed.value));
          sendJson(res, 201, { data: row }, { location: `/api/v1/leads/${row.id}` });
        } catch (err) {
          // The only constraint a validated body can still break: the agent must exist.
          if ((err as { code?: string }).code === '23503') {
            throw badRequest('invalid lead', [{ field: 'assigned_user_id', message: 'no agent with this id' }]);
          }
          throw err;
        }
      },
    },
    {
      method: 'GET',
      template: '/api/v1/leads/:id',
      pattern: /^\/api\/v1\/leads\/(?<id>[^/]+)$/,
      async handle({ res, params }) {
        const id = parseLeadId(params.id);
        if (!id) throw badRequest('invalid lead id', [{ field: 'id', message: 'must be a positive whole number' }]);
        const [lead] = await run('lead_by_id', buildLeadByIdSql(id));
        if (!lead) throw new HttpError(404, { error: 'lead not found' });
        const policies = await run('policies_of_lead', buildPoliciesOfLeadSql(id));
        sendJson(res, 200, { data: { ...lead, policies } });
      },
    },
    {
      method: 'GET',
      template: '/api/v1/policies',
      pattern: /^\/api\/v1\/policies$/,
      async handle({ res, url }) {
        const parsed = parsePolicySearch(url.searchParams);
        if (!parsed.ok) throw badRequest('invalid query parameters', parsed.issues);
        const rows = await run('policy_search', buildPolicySearchSql(parsed.value));
        sendJson(res, 200, { data: rows, page: { limit: parsed.value.limit, offset: parsed.value.offset } });
      },
    },
  ];

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const end = metrics.httpDuration.startTimer({ method: req.method ?? 'GET' });
    let template = 'unmatched';
    res.on('finish', () => end({ route: template, status_code: String(res.statusCode) }));
    try {
      const url = new URL(req.url ?? '/', 'http://demo.invalid');
      const pathname = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
      const onPath = routes.filter((r) => r.pattern.test(pathname));
      if (onPath.length === 0) throw new HttpError(404, { error: `no route for ${req.method} ${url.pathname}` });
      const route = onPath.find((r) => r.method === req.method);
      template = onPath[0].template;
      if (!route) {
        const allow = onPath.map((r) => r.method).join(', ');
        throw new HttpError(405, { error: `method not allowed, use ${allow}` }, { allow });
      }
      const params = route.pattern.exec(pathname)?.groups ?? {};
      await route.handle({ req, res, url, params: { ...params } });
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof HttpError) return sendJson(res, err.status, err.body, err.headers);
      // Short messages only: the cause goes to the log (one line), never a stack trace to the client.
      const message = (err as Error)?.message ?? String(err);
      if (isQueryTimeout(err)) {
        log(`demo: ${req.method} ${template} query timed out`);
        return sendJson(res, 503, { error: 'database query timed out' });
      }
      if (isDatabaseUnavailable(err)) {
        log(`demo: ${req.method} ${template} database unavailable: ${message}`);
        return sendJson(res, 503, { error: 'database unavailable' });
      }
      log(`demo: ${req.method} ${template} failed: ${message}`);
      return sendJson(res, 500, { error: 'internal error' });
    }
  }

  const server = http.createServer((req, res) => void handle(req, res));
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 4010, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closing: Promise<void> | null = null;
  async function close() {
    closing ??= (async () => {
      // In-flight requests finish; idle keep-alive sockets close now; anything still open after 5 s is cut.
      const force = setTimeout(() => server.closeAllConnections(), 5_000);
      force.unref();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await closed;
      clearTimeout(force);
      if (ownTracker) await tracker.close();
      await pool.end();
    })();
    return closing;
  }

  return { url: `http://${host}:${address.port}`, close };
}

function envPort(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 4010;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`DEMO_PORT must be 0..65535, got "${raw}"`);
  return port;
}

async function main() {
  const server = await startDemoServer({
    port: envPort(process.env.DEMO_PORT),
    host: process.env.DEMO_HOST?.trim() || '127.0.0.1',
    databaseUrl: demoDatabaseUrl(),
  });
  console.log(`demo target listening on ${server.url}`);
  const shutdown = (signal: string) => {
    console.log(`demo target: ${signal}, shutting down`);
    server.close().then(
      () => process.exit(0),
      (err: Error) => {
        console.error(`demo target: shutdown failed: ${err.message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: Error) => {
    console.error(`demo target failed to start: ${err.message}`);
    process.exit(1);
  });
}

// The demo target end to end: seeding into a fresh database (idempotent, deterministic, index-free), index reset,
// stats reset, and every HTTP endpoint of the API started in-process on port 0.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetDemoIndexes, resetQueryStats, seedDemo } from '@/demo/seed';
import { startDemoServer, type DemoServer } from '@/demo/server';
import { createQueryTracker, type QueryTracker } from '@/demo/query-tracker';

const ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
const DB_NAME = `pdtest_demo_${randomBytes(5).toString('hex')}`;
const DB_URL = `postgresql://postgres@127.0.0.1:5432/${DB_NAME}`;
const SIZES = { leads: 20_000, policies: 5_000, users: 12 };

let db: pg.Client;

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function checksum(): Promise<string> {
  const { rows } = await db.query<{ sum: string }>(
    `SELECT md5((SELECT string_agg(t::text, '|' ORDER BY id) FROM leads t)
             || (SELECT string_agg(t::text, '|' ORDER BY id) FROM policies t)
             || (SELECT string_agg(t::text, '|' ORDER BY id) FROM users t)) AS sum`,
  );
  return rows[0].sum;
}

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT (${sql})::int AS n`, params);
  return rows[0].n;
}

/** Indexes on the demo tables that do not back a constraint. */
async function secondaryIndexes(): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT i.relname AS name FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
     WHERE t.relname IN ('leads', 'policies', 'users', 'demo_meta')
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) ORDER BY 1`,
  );
  return rows.map((r) => r.name);
}

beforeAll(async () => {
  await admin((c) => c.query(`CREATE DATABASE "${DB_NAME}"`));
  db = new pg.Client({ connectionString: DB_URL });
  await db.connect();
  // Preloaded cluster-wide by scripts/services.sh; the view exists once the extension is created here.
  await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
});

afterAll(async () => {
  await db?.end();
  await admin((c) => c.query(`DROP DATABASE IF EXISTS "${DB_NAME}" WITH (FORCE)`));
});

describe('seedDemo', () => {
  let firstChecksum = '';

  it('builds the tables at the requested size, with primary keys only, analyzed', async () => {
    const result = await seedDemo(DB_URL, SIZES);
    expect(result.seeded).toBe(true);
    expect(result.sizes).toEqual(SIZES);
    expect(await count('SELECT count(*) FROM leads')).toBe(20_000);
    expect(await count('SELECT count(*) FROM policies')).toBe(5_000);
    expect(await count('SELECT count(*) FROM users')).toBe(12);
    expect(await secondaryIndexes()).toEqual([]);
    const { rows: pkeys } = await db.query(
      `SELECT conrelid::regclass::text AS t FROM pg_constraint
       WHERE contype = 'p' AND connamespace = 'public'::regnamespace ORDER BY 1`,
    );
    expect(pkeys.map((r) => r.t)).toEqual(['demo_meta', 'leads', 'policies', 'users']);
    const { rows: analyzed } = await db.query(
      `SELECT relname FROM pg_stat_user_tables WHERE relname IN ('leads', 'policies') AND last_analyze IS NOT NULL`,
    );
    expect(analyzed).toHaveLength(2);
    firstChecksum = await checksum();
  });

  it('produces skewed, consistent data', async () => {
    const { rows: statuses } = await db.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM leads GROUP BY 1 ORDER BY 2 DESC',
    );
    expect(statuses[0].status).toBe('new');
    expect(statuses.find((s) => s.status === 'qualified')!.n).toBeLessThan(SIZES.leads * 0.05);
    expect(statuses.map((s) => s.status).sort()).toEqual(['closed', 'contacted', 'lost', 'new', 'qualified']);
    const { rows: states } = await db.query('SELECT state FROM leads GROUP BY 1 ORDER BY count(*) DESC LIMIT 1');
    expect(states[0].state).toBe('CA');
    const { rows: range } = await db.query(
      `SELECT min(created_at) >= '2024-12-01' AND max(created_at) < '2026-12-01'
          AND max(created_at) - min(created_at) > interval '700 days' AS ok FROM leads`,
    );
    expect(range[0].ok).toBe(true);
    // Policies belong to closed leads, and expire after they start.
    expect(await count(`SELECT count(*) FROM policies p JOIN leads l ON l.id = p.lead_id WHERE l.status <> 'closed'`)).toBe(0);
    expect(await count('SELECT count(*) FROM policies WHERE expiration_date <= effective_date')).toBe(0);
    const { rows: pstatus } = await db.query('SELECT DISTINCT status FROM policies ORDER BY 1');
    expect(pstatus.map((r) => r.status)).toEqual(['active', 'cancelled', 'expired', 'pending']);
  });

  it('is idempotent: a second run with the same sizes writes nothing', async () => {
    const { rows: before } = await db.query('SELECT seeded_at FROM demo_meta');
    const result = await seedDemo(DB_URL, SIZES);
    expect(result).toMatchObject({ seeded: false, reason: 'up to date' });
    const { rows: after } = await db.query('SELECT seeded_at FROM demo_meta');
    expect(after[0].seeded_at).toEqual(before[0].seeded_at);
    expect(await checksum()).toBe(firstChecksum);
  });

  it('is deterministic: a forced rebuild yields byte-identical rows', async () => {
    const result = await seedDemo(DB_URL, { ...SIZES, force: true });
    expect(result.seeded).toBe(true);
    expect(await checksum()).toBe(firstChecksum);
  });

  it('rebuilds when the schema version differs, and when rows were added', async () => {
    await db.query('UPDATE demo_meta SET version = 0');
    const stale = await seedDemo(DB_URL, SIZES);
    expect(stale.seeded).toBe(true);
    expect(stale.reason).toMatch(/schema version 0/);

    await db.query(
      `INSERT INTO leads (first_name, last_name, email, phone, status, insurance_type, state, zip, source, score)
       VALUES ('A', 'B', 'a@example.com', '+1 555 0100', 'new', 'auto', 'CA', '94105', 'web_form', 1)`,
    );
    const grown = await seedDemo(DB_URL, SIZES);
    expect(grown.reason).toMatch(/leads: 20001 rows, expected 20000/);
    expect(await checksum()).toBe(firstChecksum);
  });

  it('rejects nonsense sizes', async () => {
    await expect(seedDemo(DB_URL, { leads: 10 })).rejects.toThrow(/leads must be an integer/);
    await expect(seedDemo(DB_URL, { policies: 1.5 })).rejects.toThrow(/policies/);
  });
});

describe('resetDemoIndexes and resetQueryStats', () => {
  it('drops the indexes a tour created and keeps the primary keys', async () => {
    await db.query('CREATE INDEX leads_status_created_at_idx ON leads (status, created_at)');
    await db.query('CREATE INDEX tour_policies_lead ON policies (lead_id)');
    expect(await secondaryIndexes()).toEqual(['leads_status_created_at_idx', 'tour_policies_lead']);
    expect(await resetDemoIndexes(DB_URL)).toEqual(['public.leads_status_created_at_idx', 'public.tour_policies_lead']);
    expect(await secondaryIndexes()).toEqual([]);
    expect(await count(`SELECT count(*) FROM pg_constraint WHERE contype = 'p' AND connamespace = 'public'::regnamespace`)).toBe(4);
    expect(await resetDemoIndexes(DB_URL)).toEqual([]);
  });

  it("forgets this database's statements", async () => {
    const marker = 'SELECT count(*) FROM leads WHERE score = 42 AND zip <> $1';
    await db.query(marker, ['marker']);
    const seen = `SELECT count(*) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
                  WHERE d.datname = current_database() AND s.query LIKE '%FROM leads WHERE score = $_ AND zip <> $_'`;
    expect(await count(seen)).toBe(1);
    await resetQueryStats(DB_URL);
    expect(await count(seen)).toBe(0);
  });
});

describe('demo API', () => {
  let server: DemoServer;
  let tracker: QueryTracker;
  const ingested: { auth: string | undefined; body: any }[] = [];
  let ingest: http.Server;

  const get = async (path: string) => {
    const res = await fetch(server.url + path);
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
  };
  const post = async (path: string, body: string, type = 'application/json') => {
    const res = await fetch(server.url + path, { method: 'POST', headers: { 'content-type': type }, body });
    return { status: res.status, headers: res.headers, json: await res.json() };
  };

  beforeAll(async () => {
    // A stand-in for Perfdeck's ingest endpoint, to check what the query tracker sends.
    ingest = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        ingested.push({ auth: req.headers.authorization, body: JSON.parse(body) });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((r) => ingest.listen(0, '127.0.0.1', r));
    tracker = createQueryTracker({
      ingestUrl: `http://127.0.0.1:${(ingest.address() as AddressInfo).port}/api/v1/queries`,
      token: 'demo-token',
      planSampleRate: 3,
      intervalMs: 60_000,
    });
    server = await startDemoServer({ port: 0, host: '127.0.0.1', databaseUrl: DB_URL, tracker });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  afterAll(async () => {
    await tracker?.close();
    await server?.close();
    await new Promise((r) => ingest?.close(r));
  });

  it('GET /health', async () => {
    const res = await get('/health');
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', db: 'ok' });
  });

  it('GET /api/v1/leads: newest first, 20 by default, with a cursor', async () => {
    const res = await get('/api/v1/leads');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = res.json();
    expect(body.data).toHaveLength(20);
    expect(body.page).toMatchObject({ limit: 20, offset: 0 });
    expect(body.page.total).toBeUndefined();
    expect(typeof body.page.next_cursor).toBe('string');
    const times = body.data.map((l: { created_at: string }) => l.created_at);
    expect([...times].sort().reverse()).toEqual(times);
    expect(body.data[0]).toMatchObject({ id: expect.any(Number), status: expect.any(String), state: expect.any(String) });
    const { rows } = await db.query('SELECT id FROM leads ORDER BY created_at DESC, id DESC LIMIT 1');
    expect(body.data[0].id).toBe(Number(rows[0].id));
  });

  it('GET /api/v1/leads: filters, date range and include_total', async () => {
    const q = 'status=contacted&insurance_type=auto&state=ca&created_from=2025-06-01&created_to=2026-06-30&limit=7&include_total=1';
    const body = (await get(`/api/v1/leads?${q}`)).json();
    const expected = await count(
      `SELECT count(*) FROM leads WHERE status = 'contacted' AND insurance_type = 'auto' AND state = 'CA'
         AND created_at >= '2025-06-01T00:00:00Z' AND created_at < '2026-07-01T00:00:00Z'`,
    );
    expect(expected).toBeGreaterThan(7);
    expect(body.page).toMatchObject({ limit: 7, offset: 0, total: expected });
    expect(body.data).toHaveLength(7);
    for (const lead of body.data) {
      expect(lead).toMatchObject({ status: 'contacted', insurance_type: 'auto', state: 'CA' });
      expect(lead.created_at >= '2025-06-01' && lead.created_at < '2026-07-01').toBe(true);
    }
  });

  it('GET /api/v1/leads: offset and cursor pages agree; ascending sort', async () => {
    const base = '/api/v1/leads?status=qualified&limit=5';
    const first = (await get(base)).json();
    const byOffset = (await get(`${base}&offset=5`)).json();
    const byCursor = (await get(`${base}&cursor=${first.page.next_cursor}`)).json();
    expect(byCursor.data.map((l: { id: number }) => l.id)).toEqual(byOffset.data.map((l: { id: number }) => l.id));
    expect(byCursor.data[0].created_at <= first.data[4].created_at).toBe(true);
    const asc = (await get('/api/v1/leads?sort=created_at&limit=3')).json();
    const { rows } = await db.query('SELECT id FROM leads ORDER BY created_at, id LIMIT 3');
    expect(asc.data.map((l: { id: number }) => l.id)).toEqual(rows.map((r) => Number(r.id)));
  });

  it('GET /api/v1/leads: 400 with per-field issues', async () => {
    const res = await get('/api/v1/leads?status=won&limit=0&colour=red');
    expect(res.status).toBe(400);
    const body = res.json();
    expect(body.error).toBe('invalid query parameters');
    expect(body.issues.map((i: { field: string }) => i.field).sort()).toEqual(['colour', 'limit', 'status']);
    expect(res.text).not.toMatch(/\n\s+at /);
  });

  it('GET /api/v1/leads/:id with its policies; 404 and 400', async () => {
    const { rows } = await db.query('SELECT lead_id, count(*)::int AS n FROM policies GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1');
    const leadId = Number(rows[0].lead_id);
    const res = await get(`/api/v1/leads/${leadId}`);
    expect(res.status).toBe(200);
    const lead = res.json().data;
    expect(lead).toMatchObject({ id: leadId, status: 'closed' });
    expect(lead.policies).toHaveLength(rows[0].n);
    expect(lead.policies[0]).toMatchObject({ lead_id: leadId, effective_date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });

    const missing = await get('/api/v1/leads/999999999');
    expect(missing.status).toBe(404);
    expect(missing.json()).toEqual({ error: 'lead not found' });
    const bad = await get('/api/v1/leads/12abc');
    expect(bad.status).toBe(400);
    expect(bad.json().issues).toEqual([{ field: 'id', message: 'must be a positive whole number' }]);
  });

  it('POST /api/v1/leads: 201 with the row; 400/415 on bad input', async () => {
    const lead = {
      first_name: 'Grace',
      last_name: 'Hopper',
      email: 'grace@example.com',
      phone: '+1 212 555 0199',
      insurance_type: 'home',
      state: 'ny',
      zip: '10001',
      assigned_user_id: 2,
    };
    const created = await post('/api/v1/leads', JSON.stringify(lead));
    expect(created.status).toBe(201);
    expect(created.json.data).toMatchObject({ ...lead, state: 'NY', status: 'new', source: 'web_form', score: 0 });
    expect(created.json.data.id).toBeGreaterThan(SIZES.leads);
    expect(created.headers.get('location')).toBe(`/api/v1/leads/${created.json.data.id}`);
    const fetched = (await get(`/api/v1/leads/${created.json.data.id}`)).json();
    expect(fetched.data).toMatchObject({ email: 'grace@example.com', policies: [] });

    const invalid = await post('/api/v1/leads', JSON.stringify({ ...lead, email: 'grace', zip: 'NY', score: -1 }));
    expect(invalid.status).toBe(400);
    expect(invalid.json.issues.map((i: { field: string }) => i.field).sort()).toEqual(['email', 'score', 'zip']);

    const noAgent = await post('/api/v1/leads', JSON.stringify({ ...lead, assigned_user_id: 9999 }));
    expect(noAgent.status).toBe(400);
    expect(noAgent.json.issues).toEqual([{ field: 'assigned_user_id', message: 'no agent with this id' }]);

    const notJson = await post('/api/v1/leads', '{"first_name":');
    expect(notJson.status).toBe(400);
    expect(notJson.json.issues[0].field).toBe('body');
    expect((await post('/api/v1/leads', 'first_name=x', 'application/x-www-form-urlencoded')).status).toBe(415);
    expect((await post('/api/v1/leads', 'x'.repeat(70_000))).status).toBe(413);
  });

  it('GET /api/v1/policies: status and expiry filter, soonest first', async () => {
    const res = await get('/api/v1/policies?status=active&expiring_before=2027-03-01&limit=10');
    expect(res.status).toBe(200);
    const body = res.json();
    expect(body.page).toEqual({ limit: 10, offset: 0 });
    expect(body.data.length).toBe(10);
    for (const p of body.data) {
      expect(p.status).toBe('active');
      expect(p.expiration_date < '2027-03-01').toBe(true);
    }
    const dates = body.data.map((p: { expiration_date: string }) => p.expiration_date);
    expect([...dates].sort()).toEqual(dates);
    const bad = await get('/api/v1/policies?status=lapsed&expiring_before=soon');
    expect(bad.status).toBe(400);
    expect(bad.json().issues.map((i: { field: string }) => i.field).sort()).toEqual(['expiring_before', 'status']);
  });

  it('unknown routes are 404 JSON, wrong methods 405', async () => {
    const res = await get('/api/v1/claims');
    expect(res.status).toBe(404);
    expect(res.json()).toEqual({ error: 'no route for GET /api/v1/claims' });
    const del = await fetch(`${server.url}/api/v1/leads/1`, { method: 'DELETE' });
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toBe('GET');
    expect(await del.json()).toEqual({ error: 'method not allowed, use GET' });
  });

  it('GET /metrics: request histogram by route template and status, plus process metrics', async () => {
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(res.text).toMatch(/http_request_duration_seconds_bucket\{[^}]*route="\/api\/v1\/leads\/:id"[^}]*status_code="404"/);
    expect(res.text).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/api\/v1\/leads"[^}]*status_code="400"\} \d+/);
    // Concrete ids never become label values.
    expect(res.text).not.toMatch(/route="\/api\/v1\/leads\/\d+"/);
    expect(res.text).toContain('process_cpu_user_seconds_total');
    expect(res.text).toMatch(/demo_db_query_duration_seconds_count\{[^}]*query="lead_search"/);
  });

  it('reports timed queries (and sampled plans) to the ingest endpoint', async () => {
    await tracker.flush();
    await new Promise((r) => setTimeout(r, 200)); // a sampled plan may still be on its way
    await tracker.flush();
    expect(ingested.length).toBeGreaterThan(0);
    expect(ingested.every((b) => b.auth === 'Bearer demo-token')).toBe(true);
    for (const { body } of ingested) {
      expect(Object.keys(body)).toEqual(['target', 'samples']);
      expect(body.target).toBe('Lead-gen demo');
    }
    const samples = ingested.flatMap((b) => b.body.samples);
    const search = samples.find((s: { query: string }) => s.query.startsWith('SELECT id, first_name') && s.query.includes('status = $1'));
    expect(search).toMatchObject({ durationMs: expect.any(Number), at: expect.any(String) });
    expect(samples.some((s: { plan?: unknown[] }) => Array.isArray(s.plan) && (s.plan[0] as { Plan?: unknown }).Plan)).toBe(true);
    // The values stay out of what is reported.
    expect(JSON.stringify(samples)).not.toContain('grace@example.com');
  });
});

describe('demo API without its database', () => {
  it('answers 503 JSON on /health and on queries', async () => {
    const server = await startDemoServer({
      port: 0,
      databaseUrl: 'postgresql://postgres@127.0.0.1:1/nowhere',
      tracker: createQueryTracker(),
      log: () => {},
    });
    try {
      const health = await fetch(`${server.url}/health`);
      expect(health.status).toBe(503);
      expect(await health.json()).toEqual({ status: 'error', db: 'unavailable' });
      const leads = await fetch(`${server.url}/api/v1/leads`);
      expect(leads.status).toBe(503);
      expect(await leads.json()).toEqual({ error: 'database unavailable' });
    } finally {
      await server.close();
    }
  });
});

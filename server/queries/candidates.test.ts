import { describe, expect, it } from 'vitest';
import { analyzeQuery, candidateMayServe, generateCandidates, orderBySelectivity, relationNames, type IndexCandidate } from './candidates';
import { describeIndex, renderCreateIndex } from './ddl';
import { parseSql } from './parse-sql';
import type { Catalog, ColumnMeta, TableMeta } from './types';

const c = (name: string, type = 'integer', distinct: number | null = null, avgWidth = 4): ColumnMeta => ({
  name,
  type,
  distinct,
  nullFrac: 0,
  avgWidth,
});

function table(name: string, columns: ColumnMeta[], rows = 100_000): TableMeta {
  return { schema: 'public', name, rows, pages: rows / 100, columns };
}

// Dexter's test schema (posts: blog_id = n % 1000, user_id = n % 10) and the demo's lead-gen tables.
const posts = (stats: boolean) =>
  table('posts', [
    c('id', 'integer', stats ? 100_000 : null),
    c('blog_id', 'integer', stats ? 1000 : null),
    c('user_id', 'integer', stats ? 10 : null),
    c('title', 'text', null, 20),
    c('json', 'json'),
    c('created_at', 'timestamp with time zone', stats ? 100_000 : null, 8),
  ]);
const blogs = table('blogs', [c('id', 'integer', 1000), c('name', 'text', 1000, 12)], 1000);
const leads = table('leads', [
  c('id', 'bigint', 300_000, 8),
  c('status', 'text', 5, 6),
  c('created_at', 'timestamp with time zone', 300_000, 8),
  c('email', 'text', 300_000, 28),
  c('state', 'character(2)', 51, 3),
  c('first_name', 'text', 110, 6),
  c('assigned_user_id', 'bigint', 40, 8),
]);
const policies = table('policies', [
  c('id', 'bigint', 100_000, 8),
  c('lead_id', 'bigint', 45_000, 8),
  c('status', 'text', 4, 7),
  c('expiration_date', 'date', 700, 4),
  c('premium_cents', 'integer', 50_000, 4),
]);

function catalog(opts: { stats?: boolean; trgm?: boolean } = {}): Catalog {
  return {
    tables: [posts(opts.stats ?? true), blogs, leads, policies],
    searchPath: ['public'],
    hasTrgm: opts.trgm ?? true,
  };
}

async function candidatesFor(sql: string, cat = catalog()) {
  const shape = analyzeQuery(await parseSql(sql), cat);
  return { shape, cands: generateCandidates(shape, cat) };
}

const cols = (x: IndexCandidate) => x.columns.map((k) => `${k.name}${k.desc ? ' DESC' : ''}${k.opclass ? ` ${k.opclass}` : ''}`).join(', ');
const has = (cands: IndexCandidate[], table: string, want: string, extra: Partial<{ include: string[]; method: string; where: boolean }> = {}) =>
  cands.some(
    (x) =>
      x.table.name === table &&
      cols(x) === want &&
      (extra.include ? x.include.join(',') === extra.include.join(',') : x.include.length === 0) &&
      (extra.method ? x.method === extra.method : true) &&
      (extra.where ? x.where !== null : x.where === null),
  );

describe('analyzeQuery', () => {
  it('classifies equality, range, sort and limit for the lead search', async () => {
    const { shape } = await candidatesFor(
      'SELECT id, email FROM leads WHERE status = $1 AND created_at >= $2 ORDER BY created_at DESC LIMIT 20',
    );
    expect(shape.statement).toBe('select');
    expect(shape.paramCount).toBe(2);
    const u = shape.usages[0];
    expect(u.table).toEqual({ schema: 'public', name: 'leads' });
    expect(u.equality).toEqual(['status']);
    expect(u.range).toEqual(['created_at']);
    // DESC alone is normalized to ascending: a btree is read backwards for it.
    expect(u.sort).toEqual([{ name: 'created_at' }]);
    expect(u.hasLimit).toBe(true);
    expect(new Set(u.referenced)).toEqual(new Set(['id', 'email', 'status', 'created_at']));
  });

  it('resolves Prisma-style schema-qualified column references', async () => {
    const { shape, cands } = await candidatesFor(
      'SELECT "public"."leads"."id", "public"."leads"."email" FROM "public"."leads" WHERE ("public"."leads"."status" = $1 AND "public"."leads"."created_at" >= $2) ORDER BY "public"."leads"."created_at" DESC LIMIT $3 OFFSET $4',
    );
    expect(shape.usages[0].equality).toEqual(['status']);
    expect(shape.usages[0].range).toEqual(['created_at']);
    expect(cands[0].columns.map((x) => x.name)).toEqual(['status', 'created_at']);
  });

  it('keeps mixed sort directions and drops equality-fixed sort keys', async () => {
    const a = await candidatesFor('SELECT * FROM leads WHERE state = $1 ORDER BY status, created_at DESC LIMIT 10');
    expect(a.shape.usages[0].sort).toEqual([{ name: 'status' }, { name: 'created_at', desc: true }]);
    expect(has(a.cands, 'leads', 'state, status, created_at DESC')).toBe(true);
    const b = await candidatesFor('SELECT * FROM leads WHERE status = $1 ORDER BY status, created_at LIMIT 10');
    expect(b.shape.usages[0].sort).toEqual([{ name: 'created_at' }]);
    const c2 = await candidatesFor('SELECT * FROM leads ORDER BY created_at DESC, id DESC LIMIT 10');
    expect(c2.shape.usages[0].sort).toEqual([{ name: 'created_at' }, { name: 'id' }]);
  });

  it('finds join keys on both sides of an explicit join', async () => {
    const { shape, cands } = await candidatesFor(
      'SELECT p.title, b.name FROM posts p JOIN blogs b ON b.id = p.blog_id WHERE b.name = $1',
    );
    const p = shape.usages.find((u) => u.table.name === 'posts')!;
    const b = shape.usages.find((u) => u.table.name === 'blogs')!;
    expect(p.join).toEqual(['blog_id']);
    expect(b.join).toEqual(['id']);
    expect(b.equality).toEqual(['name']);
    expect(has(cands, 'posts', 'blog_id')).toBe(true);
    expect(has(cands, 'blogs', 'name')).toBe(true);
  });

  it('handles implicit joins, USING and unqualified columns', async () => {
    const a = await candidatesFor('SELECT * FROM leads l, policies p WHERE p.lead_id = l.id AND expiration_date < $1');
    const pol = a.shape.usages.find((u) => u.table.name === 'policies')!;
    expect(pol.join).toEqual(['lead_id']);
    expect(pol.range).toEqual(['expiration_date']);
    const b = await candidatesFor('SELECT * FROM posts JOIN blogs USING (id) WHERE user_id = $1');
    expect(b.shape.usages.map((u) => u.join)).toEqual([['id'], ['id']]);
  });

  it('follows outer predicates through plain CTEs and subqueries, not through MATERIALIZED or grouped ones', async () => {
    const a = await candidatesFor('WITH recent AS (SELECT * FROM leads WHERE created_at > $1) SELECT * FROM recent WHERE status = $2');
    expect(a.shape.usages).toHaveLength(1);
    expect(a.shape.usages[0].range).toEqual(['created_at']);
    expect(a.shape.usages[0].equality).toEqual(['status']);
    expect(a.shape.unresolved).toEqual([]);
    // Dexter's cte_fence / materialized_cte cases.
    const fence = await candidatesFor('WITH cte AS (SELECT * FROM posts) SELECT * FROM cte WHERE id = 1');
    expect(has(fence.cands, 'posts', 'id')).toBe(true);
    const mat = await candidatesFor('WITH cte AS MATERIALIZED (SELECT * FROM posts) SELECT * FROM cte WHERE id = 1');
    expect(mat.cands).toEqual([]);
    const named = await candidatesFor('SELECT * FROM (SELECT id AS pid, user_id FROM posts) p WHERE p.pid = $1 AND user_id = $2');
    expect(named.shape.usages[0].equality).toEqual(['id', 'user_id']);
    const grouped = await candidatesFor('SELECT * FROM (SELECT user_id, count(*) FROM posts GROUP BY user_id) g WHERE user_id = $1');
    expect(grouped.shape.usages[0].equality).toEqual([]);
    const inner = await candidatesFor('WITH cte AS (SELECT * FROM posts WHERE id = 1) SELECT * FROM cte');
    expect(has(inner.cands, 'posts', 'id')).toBe(true);
  });

  it('Dexter: ORDER BY alone, and ORDER BY on several columns', async () => {
    const a = await candidatesFor('SELECT * FROM posts ORDER BY user_id DESC LIMIT 10');
    expect(cols(a.cands[0])).toBe('user_id');
    const b = await candidatesFor('SELECT * FROM posts ORDER BY user_id, blog_id LIMIT 10');
    expect(cols(b.cands[0])).toBe('user_id, blog_id');
    const c2 = await candidatesFor('SELECT * FROM posts ORDER BY user_id DESC, blog_id LIMIT 10');
    expect(cols(c2.cands[0])).toBe('user_id, blog_id DESC');
  });

  it('sees correlated EXISTS and IN (SELECT …) as joins, with literal predicates as constants', async () => {
    const a = await candidatesFor(
      "SELECT * FROM leads l WHERE EXISTS (SELECT 1 FROM policies p WHERE p.lead_id = l.id AND p.status = 'active')",
    );
    const p = a.shape.usages.find((u) => u.table.name === 'policies')!;
    expect(p.join).toEqual(['lead_id']);
    expect(p.equality).toEqual(['status']);
    expect(p.constants).toEqual([{ column: 'status', op: '=', value: 'active' }]);
    expect(has(a.cands, 'policies', 'lead_id', { where: true })).toBe(true);
    const partial = a.cands.find((x) => x.where !== null && cols(x) === 'lead_id')!;
    expect(renderCreateIndex(partial)).toMatch(
      /^CREATE INDEX CONCURRENTLY "policies_lead_id_where_status_[0-9a-f]{4}_idx" ON "public"\."policies" USING btree \("lead_id"\) WHERE "status" = 'active'$/,
    );

    const b = await candidatesFor('SELECT * FROM leads WHERE id IN (SELECT lead_id FROM policies WHERE expiration_date < $1)');
    const bl = b.shape.usages.find((u) => u.table.name === 'leads')!;
    const bp = b.shape.usages.find((u) => u.table.name === 'policies')!;
    expect(bl.join).toEqual(['id']);
    expect(bp.join).toEqual(['lead_id']);
    expect(bp.range).toEqual(['expiration_date']);
  });

  it('records UPDATE / DELETE / INSERT targets and SET columns', async () => {
    const u = await candidatesFor('UPDATE leads SET status = $1, updated_at = now() WHERE id = $2');
    expect(u.shape.statement).toBe('update');
    expect(u.shape.usages[0].equality).toEqual(['id']);
    expect(u.shape.writes).toEqual([{ table: { schema: 'public', name: 'leads' }, kind: 'update', columns: ['status', 'updated_at'] }]);
    expect(has(u.cands, 'leads', 'id')).toBe(true);
    const d = await candidatesFor('DELETE FROM policies WHERE lead_id = $1');
    expect(d.shape.writes[0].kind).toBe('delete');
    expect(has(d.cands, 'policies', 'lead_id')).toBe(true);
    const i = await candidatesFor('INSERT INTO policies (lead_id, status) VALUES ($1, $2)');
    expect(i.shape.writes[0].kind).toBe('insert');
    expect(i.cands).toEqual([]);
  });

  it('reports relations it cannot resolve and ignores system catalogs', async () => {
    const { shape, cands } = await candidatesFor('SELECT * FROM pg_class WHERE relname = $1');
    expect(shape.unresolved).toEqual(['pg_class']);
    expect(cands).toEqual([]);
  });
});

describe('generateCandidates — Dexter examples', () => {
  it('id = 1 → (id)', async () => {
    const { cands } = await candidatesFor('SELECT * FROM posts WHERE id = 1');
    expect(has(cands, 'posts', 'id')).toBe(true);
  });

  it('user_id = 1 AND blog_id = 2 → both columns, most selective first (or query order without stats)', async () => {
    const withStats = await candidatesFor('SELECT * FROM posts WHERE user_id = 1 AND blog_id = 2');
    expect(cols(withStats.cands[0])).toBe('blog_id, user_id');
    const noStats = await candidatesFor('SELECT * FROM posts WHERE user_id = 1 AND blog_id = 2', catalog({ stats: false }));
    expect(cols(noStats.cands[0])).toBe('user_id, blog_id');
    expect(has(withStats.cands, 'posts', 'user_id')).toBe(true);
    expect(has(withStats.cands, 'posts', 'blog_id')).toBe(true);
  });

  it('user_id = 1 AND blog_id < 10 → (user_id, blog_id) and (blog_id)', async () => {
    const { cands } = await candidatesFor('SELECT * FROM posts WHERE user_id = 1 AND blog_id < 10');
    expect(cols(cands[0])).toBe('user_id, blog_id');
    expect(has(cands, 'posts', 'blog_id')).toBe(true);
  });

  it('user_id = 1 ORDER BY blog_id LIMIT 1000 → (user_id, blog_id)', async () => {
    const { cands } = await candidatesFor('SELECT * FROM posts WHERE user_id = 1 ORDER BY blog_id LIMIT 1000');
    expect(cols(cands[0])).toBe('user_id, blog_id');
  });

  it('never proposes json columns', async () => {
    const { cands } = await candidatesFor("SELECT * FROM posts WHERE json::text = '{}' AND user_id = 1");
    expect(cands.every((x) => x.columns.every((k) => k.name !== 'json'))).toBe(true);
  });
});

describe('generateCandidates — more shapes', () => {
  it('lead search status = $1 AND created_at >= $2 ORDER BY created_at DESC LIMIT 20 → (status, created_at) first', async () => {
    const { cands } = await candidatesFor(
      'SELECT * FROM leads WHERE status = $1 AND created_at >= $2 ORDER BY created_at DESC LIMIT 20',
    );
    expect(cols(cands[0])).toBe('status, created_at');
    expect(describeIndex(cands[0])).toBe('(status, created_at)');
    expect(cands.length).toBeLessThanOrEqual(24);
  });

  it('adds a covering INCLUDE variant when the selected columns are few and narrow', async () => {
    const { cands } = await candidatesFor(
      'SELECT id, state FROM leads WHERE status = $1 AND created_at >= $2 ORDER BY created_at DESC LIMIT 20',
    );
    expect(has(cands, 'leads', 'status, created_at', { include: ['id', 'state'] })).toBe(true);
    const wide = await candidatesFor('SELECT * FROM leads WHERE status = $1 ORDER BY created_at LIMIT 20');
    expect(wide.cands.every((x) => x.include.length === 0)).toBe(true);
  });

  it('IN lists are equality columns that do not fix the sort order', async () => {
    const { shape, cands } = await candidatesFor('SELECT * FROM posts WHERE user_id IN ($1, $2, $3) ORDER BY blog_id LIMIT 5');
    expect(shape.usages[0].equality).toEqual(['user_id']);
    expect(shape.usages[0].singleEquality).toEqual([]);
    expect(has(cands, 'posts', 'user_id, blog_id')).toBe(true);
    const anyArr = await candidatesFor('SELECT * FROM posts WHERE user_id = ANY($1)');
    expect(anyArr.shape.usages[0].equality).toEqual(['user_id']);
  });

  it("LIKE '%x%' and ILIKE → GIN trigram only when pg_trgm exists; LIKE 'x%' → text_pattern_ops", async () => {
    const a = await candidatesFor("SELECT * FROM leads WHERE email LIKE '%smith%'");
    expect(has(a.cands, 'leads', 'email gin_trgm_ops', { method: 'gin' })).toBe(true);
    expect(renderCreateIndex(a.cands.find((x) => x.method === 'gin')!)).toBe(
      'CREATE INDEX CONCURRENTLY "leads_email_gin_idx" ON "public"."leads" USING gin ("email" "gin_trgm_ops")',
    );
    const b = await candidatesFor("SELECT * FROM leads WHERE email LIKE '%smith%'", catalog({ trgm: false }));
    expect(b.cands.some((x) => x.method === 'gin')).toBe(false);
    const c2 = await candidatesFor('SELECT * FROM leads WHERE first_name ILIKE $1');
    expect(has(c2.cands, 'leads', 'first_name gin_trgm_ops', { method: 'gin' })).toBe(true);
    const d = await candidatesFor("SELECT * FROM leads WHERE email LIKE 'smith%'");
    expect(has(d.cands, 'leads', 'email text_pattern_ops')).toBe(true);
  });

  it('partial index candidates from literal and IS NULL predicates', async () => {
    const { cands } = await candidatesFor(
      "SELECT * FROM leads WHERE status = 'qualified' AND assigned_user_id IS NULL ORDER BY created_at LIMIT 50",
    );
    const partials = cands.filter((x) => x.where !== null).map((x) => describeIndex(x));
    expect(partials).toContain(`(assigned_user_id, created_at) WHERE "status" = 'qualified'`);
    expect(partials).toContain(`(status, created_at) WHERE "assigned_user_id" IS NULL`);
  });

  it('OR branches give single-column candidates for a BitmapOr', async () => {
    const { cands } = await candidatesFor('SELECT * FROM posts WHERE user_id = $1 OR blog_id = $2');
    expect(has(cands, 'posts', 'user_id')).toBe(true);
    expect(has(cands, 'posts', 'blog_id')).toBe(true);
  });

  it('UNION arms and scalar subqueries are both analyzed', async () => {
    const { shape } = await candidatesFor(
      'SELECT id FROM leads WHERE status = $1 UNION ALL SELECT lead_id FROM policies WHERE status = $2 AND premium_cents > (SELECT avg(premium_cents) FROM policies)',
    );
    expect(shape.usages.map((u) => `${u.table.name}:${u.equality.join()}:${u.range.join()}`)).toEqual([
      'leads:status:',
      'policies:status:premium_cents',
      'policies::',
    ]);
  });

  it('a sort across two tables is not an index sort', async () => {
    const { shape } = await candidatesFor(
      'SELECT * FROM leads l JOIN policies p ON p.lead_id = l.id ORDER BY l.created_at, p.expiration_date LIMIT 10',
    );
    expect(shape.usages.every((u) => u.sort.length === 0)).toBe(true);
  });

  it('candidateMayServe requires the leading column to be used', async () => {
    const { shape, cands } = await candidatesFor('SELECT * FROM posts WHERE user_id = $1 AND blog_id < $2');
    for (const x of cands) expect(candidateMayServe(x, shape)).toBe(true);
    const other = (await candidatesFor('SELECT * FROM posts WHERE id = $1')).shape;
    expect(candidateMayServe(cands.find((x) => cols(x) === 'user_id, blog_id')!, other)).toBe(false);
  });
});

describe('orderBySelectivity', () => {
  it('puts more distinct values first and keeps unknowns in query order after them', () => {
    const t = table('t', [c('a', 'int', 10), c('b', 'int', 1000), c('x', 'int', null), c('y', 'int', null)]);
    expect(orderBySelectivity(['x', 'a', 'y', 'b'], t)).toEqual(['b', 'a', 'x', 'y']);
  });
});

describe('relationNames', () => {
  it('lists every relation a statement names, CTE references included', async () => {
    const tree = await parseSql(
      'WITH r AS (SELECT * FROM leads) SELECT * FROM r JOIN public.policies p ON p.lead_id = r.id WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = r.id)',
    );
    expect(relationNames(tree.stmts).sort()).toEqual(['leads', 'policies', 'r', 'users']);
  });
});

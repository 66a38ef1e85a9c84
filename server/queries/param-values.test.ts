import { describe, expect, it } from 'vitest';
import { analyzeQuery } from './candidates';
import { paramScenarios, parseConstValue } from './param-values';
import { parseSql } from './parse-sql';
import type { Catalog } from './types';

const hist = Array.from({ length: 101 }, (_, i) => `2026-01-${String(1 + Math.floor(i / 4)).padStart(2, '0')}`);
const catalog: Catalog = {
  searchPath: ['public'],
  hasTrgm: false,
  tables: [
    {
      schema: 'public',
      name: 'leads',
      rows: 300_000,
      pages: 5000,
      columns: [
        { name: 'id', type: 'bigint', avgWidth: 8, distinct: 300_000, nullFrac: 0, histogram: ['1', '150000', '300000'] },
        {
          name: 'status',
          type: 'text',
          avgWidth: 6,
          distinct: 5,
          nullFrac: 0,
          mcv: { values: ['new', 'contacted', 'closed', 'lost', 'qualified'], freqs: [0.52, 0.26, 0.16, 0.04, 0.02] },
        },
        { name: 'created_at', type: 'timestamp with time zone', avgWidth: 8, distinct: 300_000, nullFrac: 0, histogram: hist },
        { name: 'email', type: 'text', avgWidth: 28, distinct: 300_000, nullFrac: 0 },
      ],
    },
  ],
};

const scenarios = async (sql: string) => paramScenarios(analyzeQuery(await parseSql(sql), catalog), catalog);

describe('paramScenarios', () => {
  it('uses the most common, a middling and the least common value for skewed equality parameters', async () => {
    const s = await scenarios(
      'SELECT * FROM leads WHERE status = $1 AND created_at >= $2 AND created_at < $3 ORDER BY created_at DESC LIMIT $4 OFFSET $5',
    );
    expect(s.map((x) => x.name)).toEqual(['frequent', 'typical', 'rare']);
    expect(s.map((x) => x.values[0])).toEqual(['new', 'closed', 'qualified']);
    // A window inside the histogram (lower bound before the upper), LIMIT 20, OFFSET 0.
    const [, from, to, limit, offset] = s[0].values;
    expect(from < to).toBe(true);
    expect(hist).toContain(from);
    expect([limit, offset]).toEqual(['20', '0']);
  });

  it('handles IN lists, = ANY and BETWEEN', async () => {
    const a = await scenarios('SELECT * FROM leads WHERE status IN ($1, $2) AND id = ANY($3)');
    expect(a[2].values).toEqual(['qualified', 'qualified', '{"150000"}']);
    const b = await scenarios('SELECT * FROM leads WHERE status = $1 AND created_at BETWEEN $2 AND $3');
    expect(b[0].values[1] <= b[0].values[2]).toBe(true);
  });

  it('gives up (generic plan only) when a parameter has no honest value or nothing is skewed', async () => {
    expect(await scenarios('SELECT * FROM leads WHERE status = $1 AND email LIKE $2')).toEqual([]);
    expect(await scenarios('SELECT * FROM leads WHERE status = $1 AND upper(email) = $2')).toEqual([]);
    expect(await scenarios('SELECT * FROM leads WHERE id = $1')).toEqual([]);
    expect(await scenarios('SELECT * FROM leads WHERE status = $1 AND email = $2')).toEqual([]);
    expect(await scenarios('SELECT * FROM leads WHERE status = 1')).toEqual([]);
  });
});

describe('observed values (pg_qualstats)', () => {
  it('parses constvalue text', () => {
    expect(parseConstValue("'new'::text")).toBe('new');
    expect(parseConstValue("'O''Brien'::character varying")).toBe("O'Brien");
    expect(parseConstValue("'2026-06-01 00:00:00+00'::timestamp with time zone")).toBe('2026-06-01 00:00:00+00');
    expect(parseConstValue('42::integer')).toBe('42');
    expect(parseConstValue('(-1.5)::numeric')).toBe('-1.5');
    expect(parseConstValue("ARRAY['a']")).toBeNull();
  });

  it('prefers the values the application sent over the table distribution', async () => {
    const shape = analyzeQuery(await parseSql('SELECT * FROM leads WHERE status = $1 ORDER BY created_at LIMIT $2'), catalog);
    const observed = new Map([
      ['public.leads.status', [{ value: 'qualified', count: 90 }, { value: 'lost', count: 10 }]],
    ]);
    const s = paramScenarios(shape, catalog, { observed });
    expect(s.map((x) => x.values[0])).toEqual(['qualified', 'qualified', 'lost']);
  });
});

import { describe, expect, it } from 'vitest';
import {
  buildCreateLeadSql,
  buildLeadByIdSql,
  buildLeadSearchSql,
  buildPoliciesOfLeadSql,
  decodeCursor,
  encodeCursor,
  nextLeadCursor,
  parseCreateLead,
  parseLeadId,
  parseLeadSearch,
  type LeadSearch,
} from './lead-query';

const qs = (s: string) => new URLSearchParams(s);

function search(s: string): LeadSearch {
  const parsed = parseLeadSearch(qs(s));
  if (!parsed.ok) throw new Error(`expected ${s} to parse: ${JSON.stringify(parsed.issues)}`);
  return parsed.value;
}

function issuesOf(s: string) {
  const parsed = parseLeadSearch(qs(s));
  if (parsed.ok) throw new Error(`expected ${s} to be rejected`);
  return parsed.issues;
}

describe('lead search: defaults', () => {
  it('newest first, 20 rows, no filters, no count', () => {
    const sql = buildLeadSearchSql(search(''));
    expect(sql.rows.sql).toBe(
      'SELECT id, first_name, last_name, email, phone, status, insurance_type, state, zip, source, score, ' +
        'assigned_user_id, created_at, updated_at FROM leads ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2',
    );
    expect(sql.rows.params).toEqual([20, 0]);
    expect(sql.count).toBeUndefined();
  });

  it('sort=created_at is oldest first', () => {
    expect(buildLeadSearchSql(search('sort=created_at')).rows.sql).toContain('ORDER BY created_at ASC, id ASC');
  });

  it('treats empty values as absent (untouched form fields)', () => {
    expect(buildLeadSearchSql(search('status=&state=&limit=')).rows.params).toEqual([20, 0]);
  });
});

describe('lead search: filters', () => {
  it('binds every filter as a parameter, equality first then the created_at range', () => {
    const sql = buildLeadSearchSql(
      search('status=qualified&insurance_type=life&state=tx&created_from=2026-06-01&created_to=2026-08-31&limit=50&offset=100'),
    );
    expect(sql.rows.sql).toContain(
      'WHERE status = $1 AND insurance_type = $2 AND state = $3 AND created_at >= $4 AND created_at < $5 ' +
        'ORDER BY created_at DESC, id DESC LIMIT $6 OFFSET $7',
    );
    // A date-only created_to includes the whole day: exclusive bound at the next UTC midnight.
    expect(sql.rows.params).toEqual([
      'qualified',
      'life',
      'TX',
      '2026-06-01T00:00:00.000Z',
      '2026-09-01T00:00:00.000Z',
      50,
      100,
    ]);
    // Values never end up in the statement text.
    expect(sql.rows.sql).not.toMatch(/qualified|life|TX|2026/);
  });

  it('a date-time created_to is an inclusive instant, normalized to UTC', () => {
    const sql = buildLeadSearchSql(search('created_to=2026-06-01T12:00:00%2B02:00'));
    expect(sql.rows.sql).toContain('WHERE created_at <= $1');
    expect(sql.rows.params[0]).toBe('2026-06-01T10:00:00.000Z');
  });

  it('include_total=1 adds a COUNT over the same filters without paging', () => {
    const sql = buildLeadSearchSql(search('status=new&created_from=2026-01-01&include_total=1'));
    expect(sql.count).toEqual({
      sql: 'SELECT count(*)::int AS total FROM leads WHERE status = $1 AND created_at >= $2',
      params: ['new', '2026-01-01T00:00:00.000Z'],
    });
    expect(buildLeadSearchSql(search('include_total=0')).count).toBeUndefined();
    expect(buildLeadSearchSql(search('include_total=true')).count?.sql).toBe('SELECT count(*)::int AS total FROM leads');
  });
});

describe('lead search: rejected values', () => {
  it.each([
    ['status=bogus', 'status'],
    ['insurance_type=boat', 'insurance_type'],
    ['state=XX', 'state'],
    ['state=California', 'state'],
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=ten', 'limit'],
    ['limit=2.5', 'limit'],
    ['offset=-1', 'offset'],
    ['offset=10001', 'offset'],
    ['sort=price', 'sort'],
    ['created_from=2026-02-30', 'created_from'],
    ['created_from=yesterday', 'created_from'],
    ['created_to=2026-06-01T25:00:00Z', 'created_to'],
    ['include_total=yes', 'include_total'],
    ['cursor=not-a-cursor', 'cursor'],
    ['stauts=new', 'stauts'],
    ['status=new&status=closed', 'status'],
  ])('%s → issue on %s', (query, field) => {
    const issues = issuesOf(query);
    expect(issues.map((i) => i.field)).toContain(field);
    expect(issues.every((i) => i.message.length > 0)).toBe(true);
  });

  it('rejects a range that ends before it starts', () => {
    expect(issuesOf('created_from=2026-06-02&created_to=2026-06-01')).toEqual([
      { field: 'created_to', message: 'must be after created_from' },
    ]);
    // Same day both ends is a valid one-day range.
    expect(search('created_from=2026-06-01&created_to=2026-06-01').created_to?.dateOnly).toBe(true);
  });

  it('reports every bad field at once', () => {
    expect(issuesOf('status=x&limit=0&foo=1').map((i) => i.field).sort()).toEqual(['foo', 'limit', 'status']);
  });
});

describe('keyset cursor', () => {
  const rows = [
    { id: 12, created_at: new Date('2026-05-02T10:00:00.123Z') },
    { id: 11, created_at: new Date('2026-05-01T09:00:00.001Z') },
  ];

  it('round-trips and continues after the last row with a row-value comparison', () => {
    const cursor = nextLeadCursor(rows, { limit: 2, sort: '-created_at' });
    expect(cursor).not.toBeNull();
    expect(decodeCursor(cursor!)).toEqual({ createdAt: '2026-05-01T09:00:00.001Z', id: 11, dir: 'desc' });
    const sql = buildLeadSearchSql(search(`status=new&limit=2&cursor=${cursor}`));
    expect(sql.rows.sql).toContain('WHERE status = $1 AND (created_at, id) < ($2, $3) ORDER BY');
    expect(sql.rows.params).toEqual(['new', '2026-05-01T09:00:00.001Z', 11, 2, 0]);
  });

  it('ascending cursors compare upwards', () => {
    const cursor = encodeCursor({ createdAt: '2026-05-01T09:00:00.001Z', id: 11, dir: 'asc' });
    expect(buildLeadSearchSql(search(`sort=created_at&cursor=${cursor}`)).rows.sql).toContain('(created_at, id) > ($1, $2)');
  });

  it('no cursor after a short page', () => {
    expect(nextLeadCursor(rows, { limit: 3, sort: '-created_at' })).toBeNull();
    expect(nextLeadCursor([], { limit: 1, sort: '-created_at' })).toBeNull();
  });

  it('rejects a cursor used with offset or with the other sort order', () => {
    const cursor = encodeCursor({ createdAt: '2026-05-01T09:00:00.001Z', id: 11, dir: 'desc' });
    expect(issuesOf(`cursor=${cursor}&offset=20`)[0].field).toBe('cursor');
    expect(issuesOf(`cursor=${cursor}&sort=created_at`)[0].message).toMatch(/other sort/);
  });

  it('rejects tampered cursors', () => {
    const forged = Buffer.from(JSON.stringify({ c: 'x', i: -1, d: 'desc' })).toString('base64url');
    expect(decodeCursor(forged)).toBeNull();
    expect(decodeCursor('%%%')).toBeNull();
  });
});

describe('single lead', () => {
  it.each([
    ['1', '1'],
    ['300000', '300000'],
    ['9223372036854775807', '9223372036854775807'],
  ])('accepts id %s', (raw, id) => expect(parseLeadId(raw)).toBe(id));

  it.each(['0', '-1', '01', 'abc', '1.5', '9223372036854775808', '99999999999999999999', ''])('rejects id %s', (raw) =>
    expect(parseLeadId(raw)).toBeNull(),
  );

  it('looks the lead up by primary key and its policies by lead_id', () => {
    expect(buildLeadByIdSql('7')).toEqual({ sql: expect.stringMatching(/FROM leads WHERE id = \$1$/), params: ['7'] });
    expect(buildPoliciesOfLeadSql('7').sql).toMatch(/FROM policies WHERE lead_id = \$1 ORDER BY effective_date DESC/);
  });
});

describe('create lead', () => {
  const valid = {
    first_name: ' Ada ',
    last_name: 'Lovelace',
    email: 'ada@example.com',
    phone: '+1 415-555-0100',
    insurance_type: 'life',
    state: 'ca',
    zip: '94105',
  };

  it('fills defaults, trims and upper-cases the state', () => {
    const parsed = parseCreateLead(valid);
    expect(parsed).toEqual({
      ok: true,
      value: {
        ...valid,
        first_name: 'Ada',
        state: 'CA',
        status: 'new',
        source: 'web_form',
        score: 0,
        assigned_user_id: null,
      },
    });
  });

  it('gives one message per bad field, including unknown ones', () => {
    const parsed = parseCreateLead({ ...valid, email: 'nope', zip: '123', score: 101, state: undefined, id: 5 });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(Object.fromEntries(parsed.issues.map((i) => [i.field, i.message]))).toEqual({
      email: 'must be an email address',
      zip: 'must be a US ZIP code (12345 or 12345-6789)',
      score: 'must be between 0 and 100',
      state: 'is required',
      id: 'is not a known field',
    });
  });

  it.each([null, [], 'text', 42])('rejects a body that is not an object: %j', (body) => {
    expect(parseCreateLead(body)).toEqual({ ok: false, issues: [{ field: 'body', message: 'must be a JSON object' }] });
  });

  it('rejects wrong types', () => {
    const parsed = parseCreateLead({ ...valid, score: '50', assigned_user_id: 1.5, status: 'won' });
    expect(parsed.ok ? [] : parsed.issues.map((i) => i.field).sort()).toEqual(['assigned_user_id', 'score', 'status']);
  });

  it('inserts every column in a fixed order', () => {
    const parsed = parseCreateLead({ ...valid, assigned_user_id: 3, score: 40 });
    if (!parsed.ok) throw new Error('expected valid');
    const sql = buildCreateLeadSql(parsed.value);
    expect(sql.sql).toMatch(
      /^INSERT INTO leads \(first_name, last_name, email, phone, status, insurance_type, state, zip, source, score, assigned_user_id\) VALUES \(\$1, \$2, \$3, \$4, \$5, \$6, \$7, \$8, \$9, \$10, \$11\) RETURNING id, /,
    );
    expect(sql.params).toEqual(['Ada', 'Lovelace', 'ada@example.com', '+1 415-555-0100', 'new', 'life', 'CA', '94105', 'web_form', 40, 3]);
  });
});

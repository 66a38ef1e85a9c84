// Pure: validated request input → parameterized SQL for the lead endpoints. The lead search is the demo's
// showcase query: with only primary keys it seq-scans the whole table; leads(status, created_at) makes it an
// index range scan that stops after `limit` rows.
import { z } from 'zod';
import { INSURANCE_TYPES, LEAD_SOURCES, LEAD_STATUSES, US_STATE_CODES } from './data-model';
import {
  addOneDay,
  booleanParam,
  enumParam,
  instantParam,
  intParam,
  jsonNumber,
  parseQuery,
  requiredString,
  toFieldIssues,
  type FieldIssue,
  type Parsed,
} from './validation';

export const MAX_LIMIT = 100;
export const DEFAULT_LIMIT = 20;
/** Deep offsets get slower with every page; past this, clients should follow next_cursor instead. */
export const MAX_OFFSET = 10_000;

export const LEAD_COLUMNS =
  'id, first_name, last_name, email, phone, status, insurance_type, state, zip, source, score, assigned_user_id, ' +
  'created_at, updated_at';

export interface SqlQuery {
  sql: string;
  params: unknown[];
}

export type SortDirection = 'asc' | 'desc';

export interface LeadCursor {
  /** created_at of the last row seen (ISO, millisecond precision like the column). */
  createdAt: string;
  id: number;
  dir: SortDirection;
}

const cursorSchema = z.object({
  c: z.iso.datetime(),
  i: z.number().int().positive(),
  d: z.enum(['asc', 'desc']),
});

/** Opaque to clients: base64url JSON, validated on the way back in. */
export function encodeCursor(cursor: LeadCursor): string {
  return Buffer.from(JSON.stringify({ c: cursor.createdAt, i: cursor.id, d: cursor.dir })).toString('base64url');
}

export function decodeCursor(raw: string): LeadCursor | null {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
    return parsed.success ? { createdAt: parsed.data.c, id: parsed.data.i, dir: parsed.data.d } : null;
  } catch {
    return null;
  }
}

const upper = (v: string) => v.toUpperCase();
const stateCode = enumParam(US_STATE_CODES, 'must be a US state code such as CA, TX or NY');

export const leadSearchSchema = z
  .strictObject({
    status: enumParam(LEAD_STATUSES).optional(),
    insurance_type: enumParam(INSURANCE_TYPES).optional(),
    // State codes are case-insensitive on the way in and stored upper-case.
    state: z.string().transform(upper).pipe(stateCode).optional(),
    created_from: instantParam.optional(),
    created_to: instantParam.optional(),
    sort: z.enum(['created_at', '-created_at'], { error: 'must be created_at or -created_at' }).default('-created_at'),
    limit: intParam(1, MAX_LIMIT).default(DEFAULT_LIMIT),
    offset: intParam(0, MAX_OFFSET).default(0),
    cursor: z
      .string()
      .transform((raw, ctx) => {
        const cursor = decodeCursor(raw);
        if (!cursor) ctx.addIssue({ code: 'custom', message: 'is not a valid cursor' });
        return cursor ?? z.NEVER;
      })
      .optional(),
    include_total: booleanParam.default(false),
  })
  .superRefine((v, ctx) => {
    if (v.created_from && v.created_to && createdToBound(v.created_to).at <= v.created_from.at) {
      ctx.addIssue({ code: 'custom', path: ['created_to'], message: 'must be after created_from' });
    }
    if (v.cursor && v.offset > 0) {
      ctx.addIssue({ code: 'custom', path: ['cursor'], message: 'use either offset or cursor, not both' });
    }
    if (v.cursor && v.cursor.dir !== (v.sort === 'created_at' ? 'asc' : 'desc')) {
      ctx.addIssue({ code: 'custom', path: ['cursor'], message: 'was issued for the other sort order' });
    }
  });

export type LeadSearch = z.output<typeof leadSearchSchema>;

export const parseLeadSearch = (params: URLSearchParams): Parsed<LeadSearch> => parseQuery(leadSearchSchema, params);

/** A date-only created_to includes that whole day: it becomes an exclusive bound at the next midnight. */
function createdToBound(to: { at: string; dateOnly: boolean }): { at: string; op: '<' | '<=' } {
  return to.dateOnly ? { at: addOneDay(to.at), op: '<' } : { at: to.at, op: '<=' };
}

export interface LeadSearchSql {
  rows: SqlQuery;
  /** Present only with include_total=1: a COUNT over the same filters costs a full scan without an index. */
  count?: SqlQuery;
}

export function buildLeadSearchSql(input: LeadSearch): LeadSearchSql {
  const params: unknown[] = [];
  const where: string[] = [];
  const bind = (value: unknown) => `$${params.push(value)}`;

  // Equality filters first, then the range: the order a (status, created_at) index reads them in.
  if (input.status) where.push(`status = ${bind(input.status)}`);
  if (input.insurance_type) where.push(`insurance_type = ${bind(input.insurance_type)}`);
  if (input.state) where.push(`state = ${bind(input.state)}`);
  if (input.created_from) where.push(`created_at >= ${bind(input.created_from.at)}`);
  if (input.created_to) {
    const bound = createdToBound(input.created_to);
    where.push(`created_at ${bound.op} ${bind(bound.at)}`);
  }
  const filterWhere = [...where];
  const filterParams = [...params];

  const dir = input.sort === 'created_at' ? 'ASC' : 'DESC';
  if (input.cursor) {
    // Keyset pagination: a row-value comparison on the sort key plus the id tie-breaker.
    const op = dir === 'DESC' ? '<' : '>';
    where.push(`(created_at, id) ${op} (${bind(input.cursor.createdAt)}, ${bind(input.cursor.id)})`);
  }
  const whereSql = where.length ? ` WHERE ${where.join(' AND ')}` : '';
  // LIMIT and OFFSET are always bound, so one filter combination is one statement text (one pg_stat_statements
  // entry, one tracker query) whatever the page.
  const sql =
    `SELECT ${LEAD_COLUMNS} FROM leads${whereSql} ORDER BY created_at ${dir}, id ${dir}` +
    ` LIMIT ${bind(input.limit)} OFFSET ${bind(input.offset)}`;

  const out: LeadSearchSql = { rows: { sql, params } };
  if (input.include_total) {
    const countWhere = filterWhere.length ? ` WHERE ${filterWhere.join(' AND ')}` : '';
    out.count = { sql: `SELECT count(*)::int AS total FROM leads${countWhere}`, params: filterParams };
  }
  return out;
}

/** The cursor for the page after `rows`, or null when this page was the last one. */
export function nextLeadCursor(
  rows: readonly { id: number; created_at: Date }[],
  input: Pick<LeadSearch, 'limit' | 'sort'>,
): string | null {
  if (rows.length < input.limit || rows.length === 0) return null;
  const last = rows[rows.length - 1];
  return encodeCursor({
    createdAt: last.created_at.toISOString(),
    id: last.id,
    dir: input.sort === 'created_at' ? 'asc' : 'desc',
  });
}

// --- single lead -----------------------------------------------------------------------------------------------

const MAX_BIGINT = 9223372036854775807n;

/** A path id → bigint text for pg, or null when it is not a positive 64-bit integer. */
export function parseLeadId(raw: string): string | null {
  if (!/^[1-9]\d{0,18}$/.test(raw)) return null;
  return BigInt(raw) <= MAX_BIGINT ? raw : null;
}

export const POLICY_COLUMNS =
  'id, lead_id, policy_number, status, insurance_type, premium_cents, effective_date, expiration_date, created_at';

export function buildLeadByIdSql(id: string): SqlQuery {
  return { sql: `SELECT ${LEAD_COLUMNS} FROM leads WHERE id = $1`, params: [id] };
}

/** The lead's policies: a seq scan of policies until policies(lead_id) exists — the classic unindexed FK. */
export function buildPoliciesOfLeadSql(leadId: string): SqlQuery {
  return {
    sql: `SELECT ${POLICY_COLUMNS} FROM policies WHERE lead_id = $1 ORDER BY effective_date DESC, id DESC LIMIT 100`,
    params: [leadId],
  };
}

// --- create ----------------------------------------------------------------------------------------------------

const name = () =>
  requiredString()
    .trim()
    .min(1, { error: 'is required' })
    .max(100, { error: 'must be at most 100 characters' });

export const createLeadSchema = z.strictObject({
  first_name: name(),
  last_name: name(),
  email: requiredString()
    .trim()
    .max(254, { error: 'must be at most 254 characters' })
    .pipe(z.email({ error: 'must be an email address' })),
  phone: requiredString()
    .trim()
    .regex(/^\+?[0-9][0-9 ().-]{6,24}$/, { error: 'must be a phone number (digits, spaces, + ( ) . -)' }),
  status: enumParam(LEAD_STATUSES).default('new'),
  insurance_type: enumParam(INSURANCE_TYPES),
  state: requiredString().transform(upper).pipe(stateCode),
  zip: requiredString().regex(/^\d{5}(-\d{4})?$/, { error: 'must be a US ZIP code (12345 or 12345-6789)' }),
  source: enumParam(LEAD_SOURCES).default('web_form'),
  score: jsonNumber()
    .int({ error: 'must be a whole number' })
    .min(0, { error: 'must be between 0 and 100' })
    .max(100, { error: 'must be between 0 and 100' })
    .default(0),
  assigned_user_id: jsonNumber()
    .int({ error: 'must be a whole number' })
    .positive({ error: 'must be a positive agent id' })
    .nullable()
    .default(null),
});

export type CreateLead = z.output<typeof createLeadSchema>;

export function parseCreateLead(body: unknown): Parsed<CreateLead> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, issues: [{ field: 'body', message: 'must be a JSON object' }] };
  }
  const result = createLeadSchema.safeParse(body);
  return result.success ? { ok: true, value: result.data } : { ok: false, issues: toFieldIssues(result.error, 'body') };
}

const CREATE_FIELDS = [
  'first_name', 'last_name', 'email', 'phone', 'status', 'insurance_type', 'state', 'zip', 'source', 'score',
  'assigned_user_id',
] as const satisfies readonly (keyof CreateLead)[];

export function buildCreateLeadSql(input: CreateLead): SqlQuery {
  // Every column always listed, so each insert is the same statement text.
  const placeholders = CREATE_FIELDS.map((_, i) => `$${i + 1}`).join(', ');
  return {
    sql: `INSERT INTO leads (${CREATE_FIELDS.join(', ')}) VALUES (${placeholders}) RETURNING ${LEAD_COLUMNS}`,
    params: CREATE_FIELDS.map((f) => input[f]),
  };
}

export type { FieldIssue };

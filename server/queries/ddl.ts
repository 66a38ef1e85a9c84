// DDL text for index recommendations and drops. Every identifier and constant goes through sql-ident. Pure.
import { buildIdentifier, quoteIdent, quoteLiteral, quoteQualified, shortHash } from './sql-ident';
import type { IndexColumn, PartialPredicate, TableRef } from './types';

export interface IndexShape {
  table: TableRef;
  method: string;
  columns: IndexColumn[];
  include: string[];
  where: PartialPredicate | null;
}

const METHODS = new Set(['btree', 'gin', 'gist', 'hash', 'brin', 'spgist']);

function checkMethod(method: string): string {
  // The access method is a keyword position: allow only the known ones rather than quoting arbitrary text.
  if (!METHODS.has(method)) throw new Error(`unsupported index method: ${method}`);
  return method;
}

export function renderIndexColumn(c: IndexColumn): string {
  let out = quoteIdent(c.name);
  if (c.opclass) out += ` ${quoteIdent(c.opclass)}`;
  if (c.desc) out += ' DESC';
  const defaultNullsFirst = !!c.desc;
  if (c.nullsFirst !== undefined && c.nullsFirst !== defaultNullsFirst) out += c.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST';
  return out;
}

export function renderPredicate(p: PartialPredicate): string {
  const col = quoteIdent(p.column);
  switch (p.op) {
    case '=':
      return `${col} = ${quoteLiteral(p.value)}`;
    case 'IS NULL':
      return `${col} IS NULL`;
    case 'IS NOT NULL':
      return `${col} IS NOT NULL`;
    case 'bool':
      return p.value ? col : `NOT ${col}`;
  }
}

/** Human-readable column list: `status, created_at DESC`. */
export function describeColumns(cols: IndexColumn[]): string {
  return cols
    .map((c) => `${c.name}${c.opclass ? ` ${c.opclass}` : ''}${c.desc ? ' DESC' : ''}`)
    .join(', ');
}

/** `(status, created_at) INCLUDE (state) WHERE status = 'new'` — for messages, not SQL. */
export function describeIndex(s: Pick<IndexShape, 'columns' | 'include' | 'where' | 'method'>): string {
  let out = `${s.method === 'btree' ? '' : `${s.method} `}(${describeColumns(s.columns)})`;
  if (s.include.length) out += ` INCLUDE (${s.include.join(', ')})`;
  if (s.where) out += ` WHERE ${renderPredicate(s.where)}`;
  return out;
}

/** Stable identity of an index shape (what makes two candidates "the same index"). */
export function indexSignature(s: IndexShape): string {
  const cols = s.columns
    .map((c) => `${c.name}${c.opclass ? ` ${c.opclass}` : ''}${c.desc ? ' desc' : ''}${c.nullsFirst !== undefined && c.nullsFirst !== !!c.desc ? (c.nullsFirst ? ' nf' : ' nl') : ''}`)
    .join(',');
  const where = s.where ? renderPredicate(s.where) : '';
  return `${s.table.schema}.${s.table.name}|${s.method}|${cols}|${[...s.include].sort().join(',')}|${where}`;
}

/** `<table>_<cols>[_incl][_partial]_idx`, ≤ 63 bytes; a hash keeps variants of the same columns apart. */
export function indexNameFor(s: IndexShape): string {
  const parts = [s.table.name, ...s.columns.map((c) => c.name)];
  if (s.method !== 'btree') parts.push(s.method);
  if (s.include.length) parts.push('incl');
  if (s.where) parts.push('where', s.where.column, shortHash(renderPredicate(s.where)).slice(0, 4));
  return buildIdentifier(parts);
}

function body(s: IndexShape): string {
  let out = `${quoteQualified(s.table.schema, s.table.name)} USING ${checkMethod(s.method)} (${s.columns.map(renderIndexColumn).join(', ')})`;
  if (s.include.length) out += ` INCLUDE (${s.include.map(quoteIdent).join(', ')})`;
  if (s.where) out += ` WHERE ${renderPredicate(s.where)}`;
  return out;
}

export function renderCreateIndex(s: IndexShape, opts: { name?: string; concurrently?: boolean } = {}): string {
  const name = opts.name ?? indexNameFor(s);
  return `CREATE INDEX${opts.concurrently === false ? '' : ' CONCURRENTLY'} ${quoteIdent(name)} ON ${body(s)}`;
}

/** The statement given to hypopg_create_index(): no name (HypoPG names it), no CONCURRENTLY. */
export function renderHypoIndex(s: IndexShape): string {
  return `CREATE INDEX ON ${body(s)}`;
}

export function renderDropIndex(schema: string, name: string, opts: { concurrently?: boolean } = {}): string {
  return `DROP INDEX${opts.concurrently === false ? '' : ' CONCURRENTLY'} IF EXISTS ${quoteQualified(schema, name)}`;
}

// Pure parts of applying a recommendation: the DDL (re-rendered from structured fields), the progress fraction of a
// CREATE INDEX CONCURRENTLY phase, and the migration files.
import { renderCreateIndex, type IndexShape } from './ddl';
import { buildIdentifier } from './sql-ident';
import type { IndexColumn, PartialPredicate } from './types';

/** What applyIndex needs from a recommendation (IndexRecommendation satisfies it). */
export interface ApplyRecommendation {
  schema: string;
  table: string;
  name: string;
  method: string;
  keys: IndexColumn[];
  include: string[];
  predicate: PartialPredicate | null;
  /** The statements the index is for; verification EXPLAINs them before and after. */
  queries: { queryid: string; query: string; callsPerDay?: number }[];
}

const shapeOf = (rec: ApplyRecommendation): IndexShape => ({
  table: { schema: rec.schema, name: rec.table },
  method: rec.method,
  columns: rec.keys,
  include: rec.include,
  where: rec.predicate,
});

/** The DDL applyIndex runs, re-rendered from the structured fields (never from stored SQL text). */
export function applyDdl(rec: ApplyRecommendation): string {
  return renderCreateIndex(shapeOf(rec), { name: rec.name });
}

// Phases of CREATE INDEX CONCURRENTLY (pg_stat_progress_create_index) → [start, span] of the progress bar.
const PHASES: Record<string, [number, number, 'blocks' | 'tuples' | null]> = {
  initializing: [0, 0.02, null],
  'waiting for writers before build': [0.02, 0.03, null],
  'building index: scanning table': [0.05, 0.45, 'blocks'],
  'building index: sorting live tuples': [0.5, 0.05, null],
  'building index: loading tuples in tree': [0.55, 0.15, 'tuples'],
  'waiting for writers before validation': [0.7, 0.02, null],
  'index validation: scanning index': [0.72, 0.08, 'blocks'],
  'index validation: sorting tuples': [0.8, 0.02, null],
  'index validation: scanning table': [0.82, 0.12, 'blocks'],
  'waiting for old snapshots': [0.94, 0.02, null],
  'waiting for readers before marking dead': [0.94, 0.02, null],
  'waiting for readers before dropping': [0.94, 0.02, null],
};

/** Progress fraction for one pg_stat_progress_create_index row (pure). */
export function progressFraction(row: { phase: string; blocks_done?: number; blocks_total?: number; tuples_done?: number; tuples_total?: number }): number {
  const p = PHASES[row.phase];
  if (!p) return 0;
  const [start, span, by] = p;
  let within = 0;
  if (by === 'blocks' && row.blocks_total) within = Math.min(1, (row.blocks_done ?? 0) / row.blocks_total);
  if (by === 'tuples' && row.tuples_total) within = Math.min(1, (row.tuples_done ?? 0) / row.tuples_total);
  return start + span * within;
}

// Names come from the target's catalog: no control characters (a newline would end the comment).
const commentSafe = (s: string) =>
  [...s].map((ch) => (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f ? ' ' : ch)).join('').replace(/ {2,}/g, ' ');

const stamp = (d: Date) =>
  `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}` +
  `${String(d.getUTCHours()).padStart(2, '0')}${String(d.getUTCMinutes()).padStart(2, '0')}${String(d.getUTCSeconds()).padStart(2, '0')}`;

/**
 * The recommendation as a migration: plain SQL, and a Prisma migration folder. CREATE INDEX CONCURRENTLY cannot run
 * inside a transaction block, so the file holds that one statement only (a runner that wraps files in a transaction
 * must run it on its own).
 */
export function renderMigration(rec: ApplyRecommendation, opts: { now?: Date } = {}) {
  const ddl = renderCreateIndex(shapeOf(rec), { name: rec.name }).replace('CREATE INDEX CONCURRENTLY ', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS ');
  const queries = rec.queries.slice(0, 5).map((q) => `--   ${commentSafe(q.query.replace(/\s+/g, ' ')).slice(0, 150)}`);
  const sql = [
    `-- Perfdeck index recommendation for ${commentSafe(`${rec.schema}.${rec.table}`)} (index ${commentSafe(rec.name)}).`,
    '-- CONCURRENTLY: no write lock on the table; it cannot run inside a transaction block, so keep it alone in this file.',
    ...(queries.length ? ['-- Helps:', ...queries] : []),
    `${ddl};`,
    '',
  ].join('\n');
  const name = `${stamp(opts.now ?? new Date())}_${buildIdentifier(['add_index', rec.table, ...rec.keys.map((k) => k.name)], 'x').replace(/_x$/, '')}`;
  return { sql, prismaFolder: { name, 'migration.sql': sql } };
}

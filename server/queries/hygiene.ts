// Index hygiene: duplicate (prefix-covered), unused and invalid indexes → DROP INDEX CONCURRENTLY recommendations.
// Pure over ExistingIndex rows (read by metadata.readIndexes). Indexes that back a constraint (primary key, unique,
// exclusion) and unique indexes are never proposed for dropping as duplicates of non-unique ones or as unused:
// they enforce something even when no query reads them.
import { renderDropIndex } from './ddl';
import { fmtBytes } from './select';
import type { ExistingIndex } from './types';

export type DropKind = 'invalid' | 'duplicate' | 'unused';

export interface DropRecommendation {
  schema: string;
  table: string;
  index: string;
  kind: DropKind;
  reason: string;
  ddl: string;
  sizeBytes: number;
  /** For duplicates: the index that makes this one redundant. */
  coveredBy?: string;
}

export interface HygieneOptions {
  /** When the usage counters started (pg_stat_database.stats_reset or server start), for the "unused" wording. */
  statsSince?: string | null;
  /** Report unused indexes (default true). A freshly reset or young stats window makes this noisy: callers may gate it. */
  includeUnused?: boolean;
  /** Ignore unused indexes smaller than this (default 0). */
  minUnusedBytes?: number;
}

const normPred = (w: string | null) => (w ?? '').replace(/\s+/g, ' ').trim();

function keyText(c: ExistingIndex['columns'][number]): string {
  return `${c.name ?? `(${c.expression ?? '?'})`}|${c.desc ? 'd' : 'a'}|${c.nullsFirst === undefined ? '' : c.nullsFirst ? 'nf' : 'nl'}|${c.opclass ?? ''}`;
}

/** Does `b` make `a` redundant? (same table, method and predicate; a's key a prefix of b's key; a's INCLUDE covered). */
export function isPrefixCovered(a: ExistingIndex, b: ExistingIndex): boolean {
  if (a === b || a.schema !== b.schema || a.table !== b.table || a.method !== b.method) return false;
  if (!b.valid || normPred(a.where) !== normPred(b.where)) return false;
  if (a.columns.length > b.columns.length || a.columns.length === 0) return false;
  // Only btree keys are ordered prefixes; other methods must match exactly.
  if (a.method !== 'btree' && a.columns.length !== b.columns.length) return false;
  for (let i = 0; i < a.columns.length; i++) if (keyText(a.columns[i]) !== keyText(b.columns[i])) return false;
  const bCols = new Set([...b.columns.map((c) => c.name ?? ''), ...b.include]);
  if (!a.include.every((c) => bCols.has(c))) return false;
  // A unique index enforces uniqueness on exactly its columns: only an equally unique index on the same key covers it.
  if (a.unique && !(b.unique && a.columns.length === b.columns.length)) return false;
  return true;
}

export function findIndexHygiene(indexes: ExistingIndex[], opts: HygieneOptions = {}): DropRecommendation[] {
  const out: DropRecommendation[] = [];
  const dropped = new Set<ExistingIndex>();
  const rec = (ix: ExistingIndex, kind: DropKind, reason: string, coveredBy?: string) => {
    dropped.add(ix);
    out.push({
      schema: ix.schema,
      table: ix.table,
      index: ix.name,
      kind,
      reason,
      ddl: renderDropIndex(ix.schema, ix.name),
      sizeBytes: ix.sizeBytes,
      ...(coveredBy ? { coveredBy } : {}),
    });
  };

  for (const ix of indexes) {
    if (!ix.valid && !ix.inProgress) {
      rec(
        ix,
        'invalid',
        `INVALID index (left by a failed or interrupted CREATE INDEX CONCURRENTLY): no query can use it, every write still maintains it (${fmtBytes(ix.sizeBytes)})`,
      );
    }
  }

  // Duplicates: deterministic order so that of two identical indexes exactly one (the later name) is dropped.
  const sorted = [...indexes].sort((x, y) => x.schema.localeCompare(y.schema) || x.table.localeCompare(y.table) || x.name.localeCompare(y.name));
  for (const a of sorted) {
    if (dropped.has(a) || !a.valid || a.constraint || a.primary) continue;
    for (const b of sorted) {
      if (b === a || dropped.has(b) || !isPrefixCovered(a, b)) continue;
      const identical = a.columns.length === b.columns.length && a.include.length === b.include.length;
      // Of two identical indexes keep the constraint-backed one, else the one named first.
      if (identical && !b.constraint && !b.primary && a.name < b.name) continue;
      rec(
        a,
        'duplicate',
        identical
          ? `same definition as "${b.name}": one of them is enough (${fmtBytes(a.sizeBytes)} saved, one fewer index per write)`
          : `its columns are a leading prefix of "${b.name}", which serves the same lookups (${fmtBytes(a.sizeBytes)} saved)`,
        b.name,
      );
      break;
    }
  }

  if (opts.includeUnused !== false) {
    const since = opts.statsSince ? ` since ${opts.statsSince}` : ' since statistics were last reset';
    for (const ix of indexes) {
      if (dropped.has(ix) || !ix.valid || ix.unique || ix.primary || ix.constraint) continue;
      if (ix.scans !== 0) continue;
      if (ix.sizeBytes < (opts.minUnusedBytes ?? 0)) continue;
      rec(
        ix,
        'unused',
        `0 index scans${since} (this server only; check replicas before dropping): ${fmtBytes(ix.sizeBytes)} maintained on every write for nothing`,
      );
    }
  }
  return out;
}

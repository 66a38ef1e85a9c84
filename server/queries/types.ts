// Plain data shared by the advisor's pure modules (candidates, selection, hygiene) and filled by its IO modules.

export interface TableRef {
  schema: string;
  name: string;
}

export interface ColumnMeta {
  name: string;
  /** format_type() text, e.g. "timestamp with time zone". */
  type: string;
  /** pg_stats.avg_width in bytes, or null before ANALYZE. */
  avgWidth: number | null;
  /** Estimated number of distinct values (pg_stats.n_distinct resolved against reltuples), or null. */
  distinct: number | null;
  nullFrac: number | null;
  /** Column collation name ('C', 'POSIX', 'default', …) for collatable types, else null. */
  collation?: string | null;
  /** pg_stats most common values (text form) and their frequencies, most common first. */
  mcv?: { values: string[]; freqs: number[] } | null;
  /** pg_stats histogram_bounds (text form, ascending). */
  histogram?: string[] | null;
}

export interface TableMeta extends TableRef {
  oid?: number;
  /** reltuples (0 when never analyzed and empty). */
  rows: number;
  /** relpages. */
  pages: number;
  columns: ColumnMeta[];
  /** Partitioned parents and foreign tables cannot take a plain index recommendation. */
  kind?: 'table' | 'partitioned' | 'foreign' | 'view' | 'matview';
}

/** What the parser-side code needs to resolve names: tables it may see, the search_path, installed extensions. */
export interface Catalog {
  tables: TableMeta[];
  /** Resolved search_path (current_schemas(false)), in order. */
  searchPath: string[];
  hasTrgm: boolean;
}

export interface IndexColumn {
  name: string;
  desc?: boolean;
  /** Only when it differs from the direction's default (NULLS FIRST for DESC, LAST for ASC). */
  nullsFirst?: boolean;
  opclass?: string;
}

/** A constant predicate usable as a partial index WHERE clause; rendered with quoting, never from raw text. */
export type PartialPredicate =
  | { column: string; op: '='; value: string | number | boolean }
  | { column: string; op: 'IS NULL' | 'IS NOT NULL' }
  /** A boolean column used as a condition: `"col"` (value true) or `NOT "col"` (value false). */
  | { column: string; op: 'bool'; value: boolean };

export type IndexMethod = 'btree' | 'gin' | 'hash' | 'gist' | 'brin' | 'spgist' | string;

export interface ExistingIndex {
  /** The index's (= its table's) schema. */
  schema: string;
  /** Table the index is on. */
  table: string;
  /** Index name (unqualified). */
  name: string;
  oid?: number;
  method: IndexMethod;
  /** Key columns; an expression key has name null and expression text in `expression`. */
  columns: { name: string | null; expression?: string; desc?: boolean; nullsFirst?: boolean; opclass?: string }[];
  include: string[];
  /** pg_get_expr(indpred) or null. */
  where: string | null;
  unique: boolean;
  primary: boolean;
  /** Backs a PRIMARY KEY / UNIQUE / EXCLUDE constraint (pg_constraint.conindid). */
  constraint: boolean;
  valid: boolean;
  /** Being built right now (pg_stat_progress_create_index): invalid but not to be dropped. */
  inProgress?: boolean;
  sizeBytes: number;
  /** pg_stat_user_indexes.idx_scan, null when unknown. */
  scans: number | null;
  /** pg_get_indexdef(), for the record. */
  definition?: string;
}

export const tableKey = (t: TableRef) => `${t.schema}.${t.name}`;

/** The slice of pg.Client / pg.PoolClient the advisor uses (keeps pure-ish modules free of the pg import). */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<{ rows: any[]; rowCount?: number | null }>;
}

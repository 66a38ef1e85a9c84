// Catalog reads for the advisor: tables with column statistics, existing indexes with usage, table write rates.
// Read-only; everything a normal role with SELECT on the tables can see.
import type { Queryable } from './types';
import type { Catalog, ColumnMeta, ExistingIndex, TableMeta } from './types';

const SYSTEM_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'`;

const KIND: Record<string, TableMeta['kind']> = { r: 'table', p: 'partitioned', f: 'foreign', v: 'view', m: 'matview' };

/**
 * Tables (with columns and statistics) the advisor may resolve names against. With `relationNames` only relations of
 * those names are read — the statements' FROM lists — which keeps this cheap on databases with thousands of tables.
 */
export async function readCatalog(client: Queryable, opts: { maxTables?: number; relationNames?: string[] } = {}): Promise<Catalog> {
  const { rows: sp } = await client.query(
    `SELECT current_schemas(false)::text[] AS path, (SELECT datcollate FROM pg_database WHERE datname = current_database()) AS collate,
            EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') AS trgm`,
  );
  const dbCollate = String(sp[0].collate ?? '');
  const { rows: rels } = await client.query(
    `SELECT c.oid::int AS oid, n.nspname AS schema, c.relname AS name, c.relkind AS kind,
            greatest(c.reltuples, 0)::float8 AS rows, c.relpages::int AS pages
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm') AND ${SYSTEM_SCHEMAS}
        -- Extension-owned relations (pg_stat_statements' view, …) are not the application's tables.
        AND NOT EXISTS (SELECT 1 FROM pg_depend d
                         WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
        AND ($2::text[] IS NULL OR c.relname = ANY($2::text[]))
      ORDER BY c.relpages DESC
      LIMIT $1`,
    [opts.maxTables ?? 5000, opts.relationNames ?? null],
  );
  const oids = rels.map((r) => Number(r.oid));
  const { rows: cols } = oids.length
    ? await client.query(
        `SELECT a.attrelid::int AS oid, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
                co.collname AS collation, s.avg_width::int AS avg_width, s.n_distinct::float8 AS n_distinct,
                s.null_frac::float8 AS null_frac, s.mcv_vals, s.mcv_freqs, s.hist
           FROM pg_attribute a
           JOIN pg_class c ON c.oid = a.attrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace
           LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 0
           LEFT JOIN LATERAL (
             SELECT st.avg_width, st.n_distinct, st.null_frac,
                    st.most_common_vals::text::text[] AS mcv_vals, st.most_common_freqs::float8[] AS mcv_freqs,
                    st.histogram_bounds::text::text[] AS hist
               FROM pg_stats st
              WHERE st.schemaname = n.nspname AND st.tablename = c.relname AND st.attname = a.attname
              ORDER BY st.inherited LIMIT 1) s ON true
          WHERE a.attrelid = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped
          ORDER BY a.attrelid, a.attnum`,
        [oids],
      )
    : { rows: [] as any[] };
  const byOid = new Map<number, ColumnMeta[]>();
  const relRows = new Map(rels.map((r) => [Number(r.oid), Number(r.rows)]));
  for (const c of cols) {
    const oid = Number(c.oid);
    if (!byOid.has(oid)) byOid.set(oid, []);
    const nd = c.n_distinct === null ? null : Number(c.n_distinct);
    // n_distinct < 0 is a fraction of the row count (the column scales with the table).
    const distinct = nd === null ? null : nd >= 0 ? nd : -nd * (relRows.get(oid) ?? 0);
    let collation: string | null = c.collation ?? null;
    if (collation === 'default') collation = dbCollate === 'C' || dbCollate === 'POSIX' ? 'C' : 'default';
    byOid.get(oid)!.push({
      name: c.name,
      type: c.type,
      avgWidth: c.avg_width === null ? null : Number(c.avg_width),
      distinct,
      nullFrac: c.null_frac === null ? null : Number(c.null_frac),
      collation,
      mcv: Array.isArray(c.mcv_vals) && Array.isArray(c.mcv_freqs) ? { values: c.mcv_vals, freqs: c.mcv_freqs.map(Number) } : null,
      histogram: Array.isArray(c.hist) ? c.hist : null,
    });
  }
  return {
    searchPath: sp[0].path as string[],
    hasTrgm: !!sp[0].trgm,
    tables: rels.map((r) => ({
      oid: Number(r.oid),
      schema: r.schema,
      name: r.name,
      rows: Number(r.rows),
      pages: Number(r.pages),
      kind: KIND[r.kind] ?? 'table',
      columns: byOid.get(Number(r.oid)) ?? [],
    })),
  };
}

/** Every index on user tables, with key columns, usage counters and whether it is being built right now. */
export async function readIndexes(client: Queryable): Promise<ExistingIndex[]> {
  const { rows } = await client.query(
    `SELECT i.indexrelid::int AS oid, n.nspname AS schema, t.relname AS table, ic.relname AS name, am.amname AS method,
            i.indnkeyatts::int AS nkey, i.indnatts::int AS natts,
            pg_get_expr(i.indpred, i.indrelid) AS pred, i.indisunique AS unique, i.indisprimary AS primary,
            i.indisvalid AS valid,
            EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) AS constraint,
            pg_relation_size(i.indexrelid)::float8 AS size, s.idx_scan::float8 AS scans,
            pg_get_indexdef(i.indexrelid) AS def,
            EXISTS (SELECT 1 FROM pg_stat_progress_create_index p WHERE p.index_relid = i.indexrelid) AS in_progress,
            (SELECT json_agg(json_build_object(
                 'pos', k.ord, 'attnum', k.attnum,
                 'name', CASE WHEN k.attnum > 0 THEN (SELECT attname FROM pg_attribute WHERE attrelid = i.indrelid AND attnum = k.attnum) END,
                 'def', pg_get_indexdef(i.indexrelid, k.ord::int, true),
                 'option', i.indoption[k.ord - 1],
                 'opclass', (SELECT CASE WHEN opc.opcdefault THEN NULL ELSE opc.opcname END FROM pg_opclass opc WHERE opc.oid = i.indclass[k.ord - 1])
               ) ORDER BY k.ord)
               FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)) AS cols
       FROM pg_index i
       JOIN pg_class ic ON ic.oid = i.indexrelid
       JOIN pg_class t ON t.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       JOIN pg_am am ON am.oid = ic.relam
       LEFT JOIN pg_stat_user_indexes s ON s.indexrelid = i.indexrelid
      WHERE ${SYSTEM_SCHEMAS}
      ORDER BY n.nspname, t.relname, ic.relname`,
  );
  return rows.map((r) => {
    const cols: any[] = r.cols ?? [];
    const nkey = Number(r.nkey);
    const key = cols.slice(0, nkey).map((c) => {
      const opt = Number(c.option ?? 0);
      const desc = (opt & 1) === 1;
      const nullsFirst = (opt & 2) === 2;
      return {
        name: c.attnum > 0 ? String(c.name) : null,
        ...(c.attnum > 0 ? {} : { expression: String(c.def) }),
        ...(desc ? { desc: true } : {}),
        ...(nullsFirst !== desc ? { nullsFirst } : {}),
        ...(c.opclass ? { opclass: String(c.opclass) } : {}),
      };
    });
    return {
      oid: Number(r.oid),
      schema: r.schema,
      table: r.table,
      name: r.name,
      method: r.method,
      columns: key,
      include: cols.slice(nkey).map((c) => String(c.name ?? c.def)),
      where: r.pred ?? null,
      unique: !!r.unique,
      primary: !!r.primary,
      constraint: !!r.constraint,
      valid: !!r.valid,
      inProgress: !!r.in_progress,
      sizeBytes: Number(r.size ?? 0),
      scans: r.scans === null || r.scans === undefined ? null : Number(r.scans),
      definition: r.def,
    } satisfies ExistingIndex;
  });
}

export interface TableActivity {
  schema: string;
  name: string;
  inserts: number;
  updates: number;
  hotUpdates: number;
  deletes: number;
  seqScans: number;
  idxScans: number;
}

/** Cumulative write counters (pg_stat_user_tables) and when they started counting. */
export async function readTableActivity(client: Queryable): Promise<{ since: string | null; tables: TableActivity[] }> {
  const { rows: since } = await client.query(
    `SELECT coalesce((SELECT stats_reset FROM pg_stat_database WHERE datname = current_database()),
                     pg_postmaster_start_time()) AS since`,
  );
  const { rows } = await client.query(
    `SELECT schemaname AS schema, relname AS name, n_tup_ins::float8 AS ins, n_tup_upd::float8 AS upd,
            n_tup_hot_upd::float8 AS hot, n_tup_del::float8 AS del, seq_scan::float8 AS seq,
            coalesce(idx_scan, 0)::float8 AS idx
       FROM pg_stat_user_tables`,
  );
  return {
    since: since[0].since ? new Date(since[0].since).toISOString() : null,
    tables: rows.map((r) => ({
      schema: r.schema,
      name: r.name,
      inserts: Number(r.ins),
      updates: Number(r.upd),
      hotUpdates: Number(r.hot),
      deletes: Number(r.del),
      seqScans: Number(r.seq),
      idxScans: Number(r.idx),
    })),
  };
}

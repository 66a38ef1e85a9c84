import { readFileSync } from 'node:fs';
import wasm from '@prisma/prisma-schema-wasm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './helpers';

// Fails when prisma/schema.prisma and the database built by the SQL migrations disagree: tables, columns, types,
// nullability and indexes. Prisma's own `migrate diff` needs the schema engine, which cannot be fetched here; the
// schema is read with Prisma's schema WASM (the same parser `prisma generate` uses).

interface DmmfField { name: string; dbName?: string | null; kind: string; type: string; isList: boolean; isRequired: boolean; nativeType?: [string, string[]] | null }
interface DmmfModel { name: string; dbName: string | null; fields: DmmfField[] }
interface DmmfIndex { model: string; type: 'id' | 'unique' | 'normal' | 'fulltext'; fields: { name: string }[] }

const SCALAR_TO_PG: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Float: 'double precision',
  Boolean: 'boolean',
  DateTime: 'timestamp(3) without time zone',
  Json: 'jsonb',
  Bytes: 'bytea',
  Decimal: 'numeric(65,30)',
};
const NATIVE_TO_PG: Record<string, (args: string[]) => string> = {
  VarChar: (a) => `character varying${a[0] ? `(${a[0]})` : ''}`,
  Timestamptz: (a) => `timestamp(${a[0] ?? 3}) with time zone`,
  Timestamp: (a) => `timestamp(${a[0] ?? 3}) without time zone`,
  Real: () => 'real',
  DoublePrecision: () => 'double precision',
  Integer: () => 'integer',
  SmallInt: () => 'smallint',
  Text: () => 'text',
  Uuid: () => 'uuid',
  JsonB: () => 'jsonb',
  Date: () => 'date',
};

function expectedType(f: DmmfField): string {
  const base = f.nativeType ? NATIVE_TO_PG[f.nativeType[0]]?.(f.nativeType[1]) ?? f.nativeType[0].toLowerCase() : SCALAR_TO_PG[f.type] ?? f.type;
  return f.isList ? `${base}[]` : base;
}

function loadSchema() {
  const dmmf = JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: readFileSync('prisma/schema.prisma', 'utf8') }))) as {
    datamodel: { models: DmmfModel[]; indexes: DmmfIndex[] };
  };
  const tables = new Map<string, Map<string, { type: string; nullable: boolean | null }>>();
  const colName = new Map<string, string>();
  for (const m of dmmf.datamodel.models) {
    const table = m.dbName ?? m.name;
    const cols = new Map<string, { type: string; nullable: boolean | null }>();
    for (const f of m.fields) {
      if (f.kind !== 'scalar' && f.kind !== 'enum') continue;
      const col = f.dbName ?? f.name;
      colName.set(`${m.name}.${f.name}`, col);
      cols.set(col, { type: expectedType(f), nullable: f.isList ? null : !f.isRequired });
    }
    tables.set(table, cols);
  }
  const indexes = new Set<string>();
  const modelTable = new Map(dmmf.datamodel.models.map((m) => [m.name, m.dbName ?? m.name]));
  for (const i of dmmf.datamodel.indexes) {
    const cols = i.fields.map((f) => colName.get(`${i.model}.${f.name}`) ?? f.name).join(',');
    indexes.add(`${modelTable.get(i.model)}(${cols}) ${i.type === 'id' ? 'primary' : i.type === 'unique' ? 'unique' : 'index'}`);
  }
  return { tables, indexes };
}

async function loadDatabase(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const cols = await c.query<{ table_name: string; column_name: string; type: string; nullable: boolean }>(`
    SELECT c.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped AND c.relname <> '_prisma_migrations'`);
  const idx = await c.query<{ table_name: string; cols: string; primary: boolean; unique: boolean }>(`
    SELECT t.relname AS table_name, i.indisprimary AS primary, i.indisunique AS unique,
           string_agg(a.attname, ',' ORDER BY k.ord) AS cols
      FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
      CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
     WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations'
     GROUP BY i.indexrelid, t.relname, i.indisprimary, i.indisunique`);
  await c.end();
  const tables = new Map<string, Map<string, { type: string; nullable: boolean }>>();
  for (const r of cols.rows) {
    if (!tables.has(r.table_name)) tables.set(r.table_name, new Map());
    tables.get(r.table_name)!.set(r.column_name, { type: r.type, nullable: r.nullable });
  }
  const indexes = new Set(idx.rows.map((r) => `${r.table_name}(${r.cols}) ${r.primary ? 'primary' : r.unique ? 'unique' : 'index'}`));
  return { tables, indexes };
}

describe('schema.prisma matches the migrated database', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('drift');
  });
  afterAll(async () => db?.drop());

  it('has the same tables, columns, types, nullability and indexes', async () => {
    const want = loadSchema();
    const have = await loadDatabase(db.url);
    const problems: string[] = [];
    for (const [table, cols] of want.tables) {
      const dbCols = have.tables.get(table);
      if (!dbCols) {
        problems.push(`table ${table} is in schema.prisma but not in the database`);
        continue;
      }
      for (const [col, spec] of cols) {
        const got = dbCols.get(col);
        if (!got) problems.push(`column ${table}.${col} missing in the database`);
        else {
          if (got.type !== spec.type) problems.push(`column ${table}.${col}: schema says ${spec.type}, database has ${got.type}`);
          if (spec.nullable !== null && got.nullable !== spec.nullable) problems.push(`column ${table}.${col}: schema nullable=${spec.nullable}, database nullable=${got.nullable}`);
        }
      }
      for (const col of dbCols.keys()) if (!cols.has(col)) problems.push(`column ${table}.${col} is in the database but not in schema.prisma`);
    }
    for (const table of have.tables.keys()) if (!want.tables.has(table)) problems.push(`table ${table} is in the database but not in schema.prisma`);
    for (const i of want.indexes) if (!have.indexes.has(i)) problems.push(`index ${i} missing in the database`);
    for (const i of have.indexes) if (!want.indexes.has(i)) problems.push(`index ${i} is in the database but not in schema.prisma`);
    expect(problems).toEqual([]);
  });
});

// Index candidates from the real Postgres parse tree (libpg-query JSON). Two steps, both pure:
//   analyzeQuery(tree, catalog)  → per table occurrence: equality / range / sort / join / LIKE columns, constant
//                                  predicates, referenced columns (scope-aware: joins, CTEs, subqueries, correlation)
//   generateCandidates(shape, …) → btree keys "equality columns first (most selective first), then one range column
//                                  or the ORDER BY columns in their direction", 1–3 columns, plus INCLUDE (covering),
//                                  partial (constant predicate) and GIN trigram (LIKE '%…', ILIKE) variants.
// Whether a candidate is any good is decided later by the planner (HypoPG), not here: this step only has to make sure
// the right index is among the candidates, without flooding the costing step.
import { indexSignature } from './ddl';
import type { Catalog, ColumnMeta, IndexColumn, PartialPredicate, TableMeta, TableRef } from './types';

// The parse tree is JSON whose shape depends on the node type; it is walked generically.
type PgNode = Record<string, any>;

export interface LikeUse {
  column: string;
  ilike: boolean;
  /** The literal pattern, or null when it is a parameter ($1) and so unknown. */
  pattern: string | null;
}

/** How one query block uses one occurrence of a table. */
export interface TableUsage {
  table: TableRef;
  alias: string;
  /** `col = x`, `col IN (…)`, `col = ANY(…)`, `col IS NULL`, in query order. */
  equality: string[];
  /** The subset of `equality` matched against exactly one value (a sort on them is trivially satisfied). */
  singleEquality: string[];
  /** `<`, `>`, `<=`, `>=`, BETWEEN. */
  range: string[];
  /** LIKE with a literal pattern that does not start with a wildcard (btree-able with text_pattern_ops). */
  likePrefix: string[];
  like: LikeUse[];
  /** ORDER BY, when every key is a column of this table (equality-fixed columns removed, direction normalized). */
  sort: IndexColumn[];
  /** Equality with a column of another table (join key) or of an outer query (correlation). */
  join: string[];
  /** Constant predicates (literals) usable as a partial index WHERE. */
  constants: PartialPredicate[];
  /** Columns compared inside OR branches (each may take its own index via BitmapOr). */
  orColumns: string[];
  /** Every column of this table the statement references (select list, predicates, sort, …). */
  referenced: string[];
  selectsAll: boolean;
  hasLimit: boolean;
  /** Which $n is compared with which column of this table, and how. */
  params: { n: number; column: string; op: ParamOp }[];
}

export type ParamOp = '=' | '<' | '>' | '<=' | '>=' | 'any' | 'like';

/** A $n and what it stands for: a column comparison, or a LIMIT / OFFSET count. */
export type ParamUse =
  | { n: number; kind: 'column'; table: TableRef; column: string; op: ParamOp }
  | { n: number; kind: 'limit' | 'offset' };

export interface WriteUse {
  table: TableRef;
  kind: 'insert' | 'update' | 'delete';
  /** For UPDATE: the SET columns (an index on them makes those updates non-HOT). */
  columns: string[];
}

export type StatementKind = 'select' | 'insert' | 'update' | 'delete' | 'other';

export interface QueryShape {
  statement: StatementKind;
  usages: TableUsage[];
  writes: WriteUse[];
  /** Distinct resolved tables. */
  tables: TableRef[];
  /** Relation names that did not resolve to a table of the catalog (views, missing, system). */
  unresolved: string[];
  /** Highest $n. */
  paramCount: number;
  /** What each known $n stands for (a $n missing here is used somewhere the analysis does not follow). */
  params: ParamUse[];
  notes: string[];
}

interface Source {
  alias: string;
  table: TableMeta | null;
  usage: TableUsage | null;
  /** A CTE or FROM subquery whose columns map straight onto base-table columns (the planner pushes quals down). */
  derived?: Derived | null;
}

/** Output columns of a simple SELECT: by name, plus the sources a `SELECT *` exposes. */
interface Derived {
  outputs: Map<string, ResolvedColumn>;
  star: Source[];
}

interface Scope {
  sources: Source[];
  /** CTE name → its pass-through columns (null when it cannot pass quals down: MATERIALIZED, set operations …). */
  ctes: Map<string, Derived | null>;
  parent: Scope | null;
  limit: boolean;
}

interface ResolvedColumn {
  source: Source;
  column: string;
  /** Belongs to an enclosing query block (correlated subquery). */
  outer: boolean;
}

type Operand =
  | { kind: 'column'; col: ResolvedColumn }
  | { kind: 'value'; literal?: string | number | boolean | null; param?: number }
  | { kind: 'other' };

interface Ctx {
  catalog: Catalog;
  countParams: ParamUse[];
  usages: TableUsage[];
  writes: WriteUse[];
  unresolved: Set<string>;
  notes: string[];
}

const pushUnique = <T>(arr: T[], v: T) => {
  if (!arr.includes(v)) arr.push(v);
};

/** [type, body] of a node like {"SelectStmt": {...}}. */
function unwrap(node: unknown): [string, PgNode] | null {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return null;
  const keys = Object.keys(node);
  if (keys.length !== 1) return null;
  const body = (node as PgNode)[keys[0]];
  if (!body || typeof body !== 'object') return [keys[0], {}];
  return [keys[0], body];
}

const strOf = (n: unknown): string | null => {
  const u = unwrap(n);
  return u && u[0] === 'String' ? (u[1].sval ?? '') : null;
};

export function findTable(catalog: Catalog, schema: string | null | undefined, name: string): TableMeta | null {
  if (schema) return catalog.tables.find((t) => t.schema === schema && t.name === name) ?? null;
  for (const s of catalog.searchPath) {
    const t = catalog.tables.find((x) => x.schema === s && x.name === name);
    if (t) return t;
  }
  return null;
}

const hasColumn = (t: TableMeta | null, col: string) => !!t && t.columns.some((c) => c.name === col);

function newUsage(t: TableMeta, alias: string): TableUsage {
  return {
    table: { schema: t.schema, name: t.name },
    alias,
    equality: [],
    singleEquality: [],
    range: [],
    likePrefix: [],
    like: [],
    sort: [],
    join: [],
    constants: [],
    orColumns: [],
    referenced: [],
    selectsAll: false,
    hasLimit: false,
    params: [],
  };
}

function lookupCte(scope: Scope | null, name: string): { derived: Derived | null } | null {
  for (let s = scope; s; s = s.parent) if (s.ctes.has(name)) return { derived: s.ctes.get(name) ?? null };
  return null;
}

/** A column of a derived source, followed through to the base-table column it is. */
function throughDerived(src: Source, col: string): ResolvedColumn | null {
  const d = src.derived;
  if (!d) return null;
  const named = d.outputs.get(col);
  if (named) return { ...named, outer: false };
  for (const s of d.star) {
    if (s.derived) {
      const r = throughDerived(s, col);
      if (r) return r;
    } else if (hasColumn(s.table, col)) return { source: s, column: col, outer: false };
  }
  return null;
}

function resolveColumn(fields: unknown[], scope: Scope): ResolvedColumn | null {
  const names = fields.map(strOf);
  if (names.some((n) => n === null)) return null; // t.* (A_Star) or odd forms
  const parts = names as string[];
  let outer = false;
  for (let s: Scope | null = scope; s; s = s.parent, outer = true) {
    if (parts.length === 1) {
      const col = parts[0];
      const hits = s.sources.filter((src) => hasColumn(src.table, col));
      if (hits.length >= 1) return { source: hits[0], column: col, outer };
      for (const src of s.sources) {
        const r = throughDerived(src, col);
        if (r) return outer ? { ...r, outer } : r;
      }
      // An unknown source (subquery, CTE, function) might define it: do not guess further out.
      if (s.sources.some((src) => !src.table)) return null;
    } else if (parts.length === 2) {
      const [q, col] = parts;
      const src = s.sources.find((x) => x.alias === q);
      if (src?.derived) {
        const r = throughDerived(src, col);
        return r ? (outer ? { ...r, outer } : r) : null;
      }
      if (src) return src.table && hasColumn(src.table, col) ? { source: src, column: col, outer } : null;
    } else if (parts.length === 3) {
      const [schema, rel, col] = parts;
      const src = s.sources.find((x) => x.table && x.table.schema === schema && x.table.name === rel && x.alias === rel);
      if (src) return hasColumn(src.table, col) ? { source: src, column: col, outer } : null;
    } else return null;
  }
  return null;
}

function literalOf(aconst: PgNode): string | number | boolean | null | undefined {
  if (aconst.isnull) return null;
  if (aconst.ival) return aconst.ival.ival ?? 0;
  if ('ival' in aconst) return 0; // {"ival": {}} is zero
  if (aconst.fval) return Number(aconst.fval.fval);
  if (aconst.sval) return aconst.sval.sval ?? '';
  if ('sval' in aconst) return '';
  if (aconst.boolval) return !!aconst.boolval.boolval;
  if ('boolval' in aconst) return false;
  if (aconst.bsval) return undefined;
  return undefined;
}

function markReferenced(col: ResolvedColumn) {
  if (col.source.usage) pushUnique(col.source.usage.referenced, col.column);
}

/** Does the expression reference a column of this scope (not counting outer ones)? */
function referencesLocalColumn(node: unknown, scope: Scope): boolean {
  let found = false;
  const visit = (n: unknown) => {
    if (found || !n || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(visit);
    const u = unwrap(n);
    if (u && u[0] === 'ColumnRef') {
      const r = resolveColumn(u[1].fields ?? [], scope);
      if (!r || !r.outer) found = true; // unresolved counts as local: be conservative
      return;
    }
    if (u && (u[0] === 'SubLink' || u[0] === 'SelectStmt')) return;
    for (const v of Object.values(n as PgNode)) visit(v);
  };
  visit(node);
  return found;
}

function classify(node: unknown, scope: Scope): Operand {
  const u = unwrap(node);
  if (!u) return { kind: 'other' };
  const [type, body] = u;
  switch (type) {
    case 'ColumnRef': {
      const r = resolveColumn(body.fields ?? [], scope);
      return r ? { kind: 'column', col: r } : { kind: 'other' };
    }
    case 'A_Const': {
      const lit = literalOf(body);
      return lit === undefined ? { kind: 'value' } : { kind: 'value', literal: lit };
    }
    case 'ParamRef':
      return { kind: 'value', param: typeof body.number === 'number' ? body.number : undefined };
    case 'TypeCast': {
      // `col::text = $1` keeps the column (the planner decides whether the cast is index-compatible);
      // `'x'::text` keeps the literal; `$1::int` is a parameter.
      const inner = classify(body.arg, scope);
      return inner;
    }
    case 'SubLink':
      return { kind: 'value' };
    default:
      return referencesLocalColumn(node, scope) ? { kind: 'other' } : { kind: 'value' };
  }
}

const MIRROR: Record<string, string> = { '=': '=', '<': '>', '>': '<', '<=': '>=', '>=': '<=' };

function opName(nameList: unknown[] | undefined): string {
  const last = nameList?.[nameList.length - 1];
  return strOf(last) ?? '';
}

function addEquality(u: TableUsage, col: string, single: boolean) {
  pushUnique(u.equality, col);
  if (single) pushUnique(u.singleEquality, col);
}

function addJoin(col: ResolvedColumn) {
  if (col.source.usage) pushUnique(col.source.usage.join, col.column);
}

function addParam(col: ResolvedColumn, op: ParamOp, value: Operand) {
  const u = col.source.usage;
  if (u && !col.outer && value.kind === 'value' && value.param !== undefined) u.params.push({ n: value.param, column: col.column, op });
}

function addComparison(col: ResolvedColumn, op: string, value: Operand) {
  const u = col.source.usage;
  if (!u) return;
  if (op in MIRROR) addParam(col, op as ParamOp, value);
  if (op === '=') {
    addEquality(u, col.column, true);
    if (value.kind === 'value' && value.literal !== undefined && value.literal !== null) {
      u.constants.push({ column: col.column, op: '=', value: value.literal });
    }
  } else if (op === '<' || op === '>' || op === '<=' || op === '>=') {
    pushUnique(u.range, col.column);
  }
}

function handleComparison(lhs: Operand, rhs: Operand, op: string) {
  if (!(op in MIRROR)) return;
  if (lhs.kind === 'column' && rhs.kind === 'column') {
    if (lhs.col.source === rhs.col.source) return;
    // Column = column of another table (join) or of an outer block (correlation): the inner side is looked up
    // once per outer row, so each side is a candidate index key for when it is the inner side.
    if (op === '=') {
      addJoin(lhs.col);
      addJoin(rhs.col);
    } else {
      for (const c of [lhs.col, rhs.col]) if (c.source.usage) pushUnique(c.source.usage.range, c.column);
    }
    return;
  }
  if (lhs.kind === 'column' && rhs.kind === 'value') addComparison(lhs.col, op, rhs);
  else if (rhs.kind === 'column' && lhs.kind === 'value') addComparison(rhs.col, MIRROR[op], lhs);
}

function handleLike(lhs: Operand, rhs: Operand, ilike: boolean) {
  if (lhs.kind !== 'column' || !lhs.col.source.usage || lhs.col.outer) return;
  const u = lhs.col.source.usage;
  const pattern = rhs.kind === 'value' && typeof rhs.literal === 'string' ? rhs.literal : null;
  addParam(lhs.col, 'like', rhs);
  if (!ilike && pattern !== null && pattern.length > 0 && !/^[%_]/.test(pattern)) {
    pushUnique(u.likePrefix, lhs.col.column);
    return;
  }
  if (!u.like.some((l) => l.column === lhs.col.column && l.ilike === ilike)) {
    u.like.push({ column: lhs.col.column, ilike, pattern });
  }
}

class Analyzer {
  constructor(private ctx: Ctx) {}

  /** Marks every column reference under `node` and analyzes nested subqueries. */
  walk(node: unknown, scope: Scope): void {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const n of node) this.walk(n, scope);
      return;
    }
    const u = unwrap(node);
    if (u) {
      const [type, body] = u;
      if (type === 'ColumnRef') {
        const r = resolveColumn(body.fields ?? [], scope);
        if (r) markReferenced(r);
        return;
      }
      if (type === 'SubLink') {
        this.subLink(body, scope);
        return;
      }
      if (type === 'SelectStmt' || type === 'UpdateStmt' || type === 'DeleteStmt' || type === 'InsertStmt') {
        this.statement(node, scope);
        return;
      }
    }
    for (const v of Object.values(node as PgNode)) this.walk(v, scope);
  }

  subLink(body: PgNode, scope: Scope): void {
    const derived = this.statement(body.subselect, scope);
    if (body.subLinkType === 'ANY_SUBLINK' && body.testexpr) {
      // x IN (SELECT y …): a semi-join on x = y.
      const test = classify(body.testexpr, scope);
      const first = derived?.first;
      if (test.kind === 'column' && first) {
        addJoin(test.col);
        addJoin(first);
      }
    }
    if (body.testexpr) this.walk(body.testexpr, scope);
  }

  /** Analyzes a statement; for a SELECT returns its pass-through output columns (null when there are none). */
  statement(node: unknown, parent: Scope | null): (Derived & { first: ResolvedColumn | null }) | null {
    const u = unwrap(node);
    if (!u) return null;
    const [type, body] = u;
    switch (type) {
      case 'SelectStmt':
        return this.select(body, parent);
      case 'UpdateStmt':
        this.update(body, parent);
        return null;
      case 'DeleteStmt':
        this.delete(body, parent);
        return null;
      case 'InsertStmt':
        this.insert(body, parent);
        return null;
      default:
        return null;
    }
  }

  private newScope(parent: Scope | null): Scope {
    return { sources: [], ctes: new Map(), parent, limit: false };
  }

  private withClause(w: PgNode | undefined, scope: Scope) {
    for (const c of w?.ctes ?? []) {
      const cte = unwrap(c)?.[1];
      if (!cte) continue;
      scope.ctes.set(cte.ctename, null); // visible to itself (WITH RECURSIVE) as opaque
      const derived = this.statement(cte.ctequery, scope);
      // MATERIALIZED (or recursive) CTEs are an optimization fence: outer quals do not reach the table.
      const fenced = cte.ctematerialized === 'CTEMaterializeAlways' || w?.recursive;
      scope.ctes.set(cte.ctename, fenced ? null : derived);
    }
  }

  private addSource(scope: Scope, rv: PgNode): Source {
    const alias = rv.alias?.aliasname ?? rv.relname;
    const cte = rv.schemaname ? null : lookupCte(scope, rv.relname);
    if (cte) {
      const src: Source = { alias, table: null, usage: null, derived: cte.derived };
      scope.sources.push(src);
      return src;
    }
    const table = findTable(this.ctx.catalog, rv.schemaname, rv.relname);
    if (!table) {
      this.ctx.unresolved.add(rv.schemaname ? `${rv.schemaname}.${rv.relname}` : rv.relname);
      const src = { alias, table: null, usage: null };
      scope.sources.push(src);
      return src;
    }
    const usage = newUsage(table, alias);
    this.ctx.usages.push(usage);
    const src = { alias, table, usage };
    scope.sources.push(src);
    return src;
  }

  private fromItem(item: unknown, scope: Scope): Source[] {
    const u = unwrap(item);
    if (!u) return [];
    const [type, body] = u;
    if (type === 'RangeVar') return [this.addSource(scope, body)];
    if (type === 'JoinExpr') {
      const left = this.fromItem(body.larg, scope);
      const right = this.fromItem(body.rarg, scope);
      for (const n of body.usingClause ?? []) {
        const col = strOf(n);
        if (!col) continue;
        for (const src of [...left, ...right]) {
          if (src.usage && hasColumn(src.table, col)) {
            pushUnique(src.usage.join, col);
            pushUnique(src.usage.referenced, col);
          }
        }
      }
      if (body.quals) this.predicate(body.quals, scope);
      return [...left, ...right];
    }
    if (type === 'RangeSubselect') {
      const derived = this.statement(body.subquery, scope);
      const src: Source = { alias: body.alias?.aliasname ?? '', table: null, usage: null, derived };
      scope.sources.push(src);
      return [src];
    }
    // Functions, VALUES lists, table samples, …: opaque sources whose arguments may still reference columns.
    this.walk(body, scope);
    const src = { alias: body.alias?.aliasname ?? '', table: null, usage: null };
    scope.sources.push(src);
    return [src];
  }

  /** A WHERE / ON condition: top-level AND conjuncts are analyzed for index use. */
  predicate(node: unknown, scope: Scope): void {
    const u = unwrap(node);
    if (!u) return;
    const [type, body] = u;
    if (type === 'BoolExpr' && body.boolop === 'AND_EXPR') {
      for (const a of body.args ?? []) this.predicate(a, scope);
      return;
    }
    if (type === 'BoolExpr' && body.boolop === 'OR_EXPR') {
      for (const arm of body.args ?? []) this.orArm(arm, scope);
      this.walk(node, scope);
      return;
    }
    if (type === 'BoolExpr' && body.boolop === 'NOT_EXPR') {
      const inner = classify(body.args?.[0], scope);
      if (inner.kind === 'column' && inner.col.source.usage && !inner.col.outer) {
        inner.col.source.usage.constants.push({ column: inner.col.column, op: 'bool', value: false });
      }
      this.walk(node, scope);
      return;
    }
    if (type === 'ColumnRef') {
      const c = classify(node, scope);
      if (c.kind === 'column' && c.col.source.usage && !c.col.outer) {
        c.col.source.usage.constants.push({ column: c.col.column, op: 'bool', value: true });
      }
      this.walk(node, scope);
      return;
    }
    if (type === 'NullTest') {
      const c = classify(body.arg, scope);
      if (c.kind === 'column' && c.col.source.usage && !c.col.outer) {
        const isNull = body.nulltesttype === 'IS_NULL';
        if (isNull) addEquality(c.col.source.usage, c.col.column, true);
        c.col.source.usage.constants.push({ column: c.col.column, op: isNull ? 'IS NULL' : 'IS NOT NULL' });
      }
      this.walk(node, scope);
      return;
    }
    if (type === 'A_Expr') {
      this.aExpr(body, scope);
      this.walk(node, scope);
      return;
    }
    if (type === 'SubLink') {
      this.subLink(body, scope);
      return;
    }
    this.walk(node, scope);
  }

  private orArm(arm: unknown, scope: Scope) {
    const u = unwrap(arm);
    if (!u) return;
    if (u[0] === 'BoolExpr' && u[1].boolop === 'AND_EXPR') {
      for (const a of u[1].args ?? []) this.orArm(a, scope);
      return;
    }
    if (u[0] !== 'A_Expr') return;
    const lhs = classify(u[1].lexpr, scope);
    if (lhs.kind === 'column' && lhs.col.source.usage && !lhs.col.outer) {
      pushUnique(lhs.col.source.usage.orColumns, lhs.col.column);
    }
  }

  private aExpr(e: PgNode, scope: Scope) {
    const op = opName(e.name);
    const kind: string = e.kind;
    if (kind === 'AEXPR_OP') {
      const lhs = classify(e.lexpr, scope);
      const rhs = classify(e.rexpr, scope);
      if (op === '~~' || op === '~~*') handleLike(lhs, rhs, op === '~~*');
      else handleComparison(lhs, rhs, op);
      return;
    }
    if (kind === 'AEXPR_LIKE' || kind === 'AEXPR_ILIKE') {
      if (op.startsWith('!')) return; // NOT LIKE: not indexable
      handleLike(classify(e.lexpr, scope), classify(e.rexpr, scope), kind === 'AEXPR_ILIKE');
      return;
    }
    if (kind === 'AEXPR_IN' && op === '=') {
      const lhs = classify(e.lexpr, scope);
      const items: unknown[] = unwrap(e.rexpr)?.[0] === 'List' ? (unwrap(e.rexpr)![1].items ?? []) : [];
      if (lhs.kind === 'column' && lhs.col.source.usage && !lhs.col.outer) {
        const values = items.map((i) => classify(i, scope));
        for (const v of values) addParam(lhs.col, '=', v);
        if (values.every((v) => v.kind === 'value')) {
          if (values.length === 1) addComparison(lhs.col, '=', values[0]);
          else addEquality(lhs.col.source.usage, lhs.col.column, false);
        }
      }
      return;
    }
    if (kind === 'AEXPR_OP_ANY' && op === '=') {
      const lhs = classify(e.lexpr, scope);
      const rhs = classify(e.rexpr, scope);
      if (lhs.kind === 'column' && lhs.col.source.usage && !lhs.col.outer && rhs.kind === 'value') {
        addEquality(lhs.col.source.usage, lhs.col.column, false);
        addParam(lhs.col, 'any', rhs);
      }
      return;
    }
    if (kind === 'AEXPR_BETWEEN' || kind === 'AEXPR_BETWEEN_SYM') {
      const lhs = classify(e.lexpr, scope);
      if (lhs.kind === 'column' && lhs.col.source.usage && !lhs.col.outer) {
        pushUnique(lhs.col.source.usage.range, lhs.col.column);
        const bounds: unknown[] = unwrap(e.rexpr)?.[0] === 'List' ? (unwrap(e.rexpr)![1].items ?? []) : [];
        if (bounds.length === 2) {
          addParam(lhs.col, '>=', classify(bounds[0], scope));
          addParam(lhs.col, '<=', classify(bounds[1], scope));
        }
      }
    }
  }

  private targetList(list: unknown[] | undefined, scope: Scope): Derived & { first: ResolvedColumn | null } {
    const out: Derived & { first: ResolvedColumn | null } = { outputs: new Map(), star: [], first: null };
    let position = 0;
    for (const t of list ?? []) {
      const rt = unwrap(t)?.[1];
      if (!rt) continue;
      const val = unwrap(rt.val);
      if (val && val[0] === 'ColumnRef') {
        const fields: unknown[] = val[1].fields ?? [];
        const last = unwrap(fields[fields.length - 1]);
        if (last && last[0] === 'A_Star') {
          const q = fields.length === 1 ? null : strOf(fields[fields.length - 2]);
          for (const s of scope.sources) {
            if (q !== null && s.alias !== q) continue;
            if (s.usage) s.usage.selectsAll = true;
            out.star.push(s);
          }
          position++;
          continue;
        }
        const r = resolveColumn(fields, scope);
        if (r) {
          markReferenced(r);
          out.outputs.set(rt.name ?? strOf(fields[fields.length - 1]) ?? '', r);
          if (position === 0) out.first = r;
        }
        position++;
        continue;
      }
      position++;
      this.walk(rt.val, scope);
    }
    return out;
  }

  private sort(sortClause: unknown[] | undefined, targetList: unknown[] | undefined, scope: Scope) {
    if (!sortClause?.length) return;
    const keys: { col: ResolvedColumn; desc: boolean; nullsFirst: boolean }[] = [];
    let ok = true;
    for (const s of sortClause) {
      const sb = unwrap(s)?.[1];
      if (!sb) continue;
      let expr = sb.node;
      // ORDER BY 2 → the 2nd select-list expression.
      const c = unwrap(expr);
      if (c && c[0] === 'A_Const' && c[1].ival) expr = unwrap(targetList?.[c[1].ival.ival - 1])?.[1]?.val;
      this.walk(expr, scope);
      const op = classify(expr, scope);
      if (op.kind !== 'column' || op.col.outer || !op.col.source.usage) {
        ok = false;
        continue;
      }
      const desc = sb.sortby_dir === 'SORTBY_DESC';
      const nullsFirst = sb.sortby_nulls === 'SORTBY_NULLS_FIRST' ? true : sb.sortby_nulls === 'SORTBY_NULLS_LAST' ? false : desc;
      keys.push({ col: op.col, desc, nullsFirst });
    }
    if (!ok || keys.length === 0) return;
    const source = keys[0].col.source;
    if (keys.some((k) => k.col.source !== source)) return;
    const usage = source.usage!;
    // A column fixed by `= const` is constant in the result: it needs no place in the sort key.
    const effective = keys.filter((k) => !usage.singleEquality.includes(k.col.column));
    if (effective.length === 0) return;
    // A btree can be read backwards: normalize so the first key is ascending (flip all directions together).
    const flip = effective[0].desc;
    usage.sort = effective.map((k) => {
      const desc = flip ? !k.desc : k.desc;
      const nullsFirst = flip ? !k.nullsFirst : k.nullsFirst;
      const col: IndexColumn = { name: k.col.column };
      if (desc) col.desc = true;
      if (nullsFirst !== desc) col.nullsFirst = nullsFirst;
      return col;
    });
  }

  private select(sel: PgNode, parent: Scope | null): (Derived & { first: ResolvedColumn | null }) | null {
    if (sel.op && sel.op !== 'SETOP_NONE') {
      const scope = this.newScope(parent);
      this.withClause(sel.withClause, scope);
      const left = this.select(sel.larg ?? {}, scope);
      this.select(sel.rarg ?? {}, scope);
      // Only the first column is used (IN (SELECT a UNION SELECT b)); quals are not followed through a UNION.
      return left ? { outputs: new Map(), star: [], first: left.first } : null;
    }
    const scope = this.newScope(parent);
    this.withClause(sel.withClause, scope);
    if (sel.valuesLists) {
      this.walk(sel.valuesLists, scope);
      return null;
    }
    for (const f of sel.fromClause ?? []) this.fromItem(f, scope);
    if (sel.whereClause) this.predicate(sel.whereClause, scope);
    const targets = this.targetList(sel.targetList, scope);
    this.walk(sel.groupClause, scope);
    this.walk(sel.havingClause, scope);
    this.walk(sel.distinctClause, scope);
    this.walk(sel.windowClause, scope);
    this.sort(sel.sortClause, sel.targetList, scope);
    if (sel.limitCount || sel.limitOffset) {
      for (const s of scope.sources) if (s.usage && sel.limitCount) s.usage.hasLimit = true;
      for (const [node, kind] of [[sel.limitCount, 'limit'], [sel.limitOffset, 'offset']] as const) {
        const v = node ? classify(node, scope) : null;
        if (v?.kind === 'value' && v.param !== undefined) this.ctx.countParams.push({ n: v.param, kind });
      }
      this.walk(sel.limitCount, scope);
      this.walk(sel.limitOffset, scope);
    }
    // Outer quals reach the base table only through a plain projection (no LIMIT, window, grouping, DISTINCT).
    const plain = !sel.limitCount && !sel.limitOffset && !sel.windowClause && !sel.groupClause && !sel.distinctClause && !sel.havingClause;
    return plain ? targets : { outputs: new Map(), star: [], first: targets.first };
  }

  private update(st: PgNode, parent: Scope | null) {
    const scope = this.newScope(parent);
    this.withClause(st.withClause, scope);
    const target = this.addSource(scope, st.relation);
    for (const f of st.fromClause ?? []) this.fromItem(f, scope);
    if (st.whereClause) this.predicate(st.whereClause, scope);
    const setCols: string[] = [];
    for (const t of st.targetList ?? []) {
      const rt = unwrap(t)?.[1];
      if (!rt) continue;
      if (rt.name) setCols.push(rt.name);
      this.walk(rt.val, scope);
    }
    this.targetList(st.returningList, scope);
    if (target.table) this.ctx.writes.push({ table: { schema: target.table.schema, name: target.table.name }, kind: 'update', columns: setCols });
  }

  private delete(st: PgNode, parent: Scope | null) {
    const scope = this.newScope(parent);
    this.withClause(st.withClause, scope);
    const target = this.addSource(scope, st.relation);
    for (const f of st.usingClause ?? []) this.fromItem(f, scope);
    if (st.whereClause) this.predicate(st.whereClause, scope);
    this.targetList(st.returningList, scope);
    if (target.table) this.ctx.writes.push({ table: { schema: target.table.schema, name: target.table.name }, kind: 'delete', columns: [] });
  }

  private insert(st: PgNode, parent: Scope | null) {
    const scope = this.newScope(parent);
    this.withClause(st.withClause, scope);
    const rv = st.relation;
    const table = findTable(this.ctx.catalog, rv.schemaname, rv.relname);
    if (table) this.ctx.writes.push({ table: { schema: table.schema, name: table.name }, kind: 'insert', columns: [] });
    else this.ctx.unresolved.add(rv.schemaname ? `${rv.schemaname}.${rv.relname}` : rv.relname);
    if (st.selectStmt) this.statement(st.selectStmt, scope);
  }
}

/** Every relation name (RangeVar.relname) in a parse tree: what the catalog has to know about. */
export function relationNames(node: unknown): string[] {
  const out = new Set<string>();
  const visit = (n: unknown) => {
    if (!n || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(visit);
    const u = unwrap(n);
    if (u && u[0] === 'RangeVar' && typeof u[1].relname === 'string') out.add(u[1].relname);
    for (const v of Object.values(n as PgNode)) visit(v);
  };
  visit(node);
  return [...out];
}

/** Highest $n in a parse tree (0 when the statement has no parameters). */
export function highestParam(node: unknown): number {
  let max = 0;
  const visit = (n: unknown) => {
    if (!n || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(visit);
    const u = unwrap(n);
    if (u && u[0] === 'ParamRef' && typeof u[1].number === 'number') max = Math.max(max, u[1].number);
    for (const v of Object.values(n as PgNode)) visit(v);
  };
  visit(node);
  return max;
}

/** The parse result of libpg-query's parse(): { stmts: [{ stmt }] }. */
export interface ParseTree {
  stmts?: { stmt?: unknown }[];
}

export function analyzeQuery(tree: ParseTree, catalog: Catalog): QueryShape {
  const ctx: Ctx = { catalog, countParams: [], usages: [], writes: [], unresolved: new Set(), notes: [] };
  const stmts = tree.stmts ?? [];
  let statement: StatementKind = 'other';
  if (stmts.length !== 1) ctx.notes.push(`expected one statement, got ${stmts.length}`);
  else {
    const u = unwrap(stmts[0].stmt);
    const kinds: Record<string, StatementKind> = {
      SelectStmt: 'select',
      InsertStmt: 'insert',
      UpdateStmt: 'update',
      DeleteStmt: 'delete',
    };
    statement = (u && kinds[u[0]]) || 'other';
    if (statement !== 'other') new Analyzer(ctx).statement(stmts[0].stmt, null);
  }
  const tables = new Map<string, TableRef>();
  for (const u of ctx.usages) tables.set(`${u.table.schema}.${u.table.name}`, u.table);
  for (const w of ctx.writes) tables.set(`${w.table.schema}.${w.table.name}`, w.table);
  return {
    statement,
    usages: ctx.usages,
    writes: ctx.writes,
    tables: [...tables.values()],
    unresolved: [...ctx.unresolved],
    paramCount: highestParam(stmts),
    params: [
      ...ctx.usages.flatMap((u) => u.params.map((p) => ({ n: p.n, kind: 'column' as const, table: u.table, column: p.column, op: p.op }))),
      ...ctx.countParams,
    ].sort((a, b) => a.n - b.n),
    notes: ctx.notes,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Candidate generation

export interface IndexCandidate {
  /** indexSignature(): two candidates with the same key are the same index. */
  key: string;
  table: TableRef;
  method: 'btree' | 'gin';
  columns: IndexColumn[];
  include: string[];
  where: PartialPredicate | null;
  /** Why it was generated, e.g. ["equality status", "sort created_at DESC"]. */
  reasons: string[];
}

export interface CandidateOptions {
  /** Key columns per btree candidate (1–3). */
  maxColumns?: number;
  /** INCLUDE variants only when the extra columns are at most this many … */
  maxIncludeColumns?: number;
  /** … and their average widths add up to at most this many bytes. */
  maxIncludeBytes?: number;
  /** Cap per table occurrence (the best-ranked first). */
  maxPerUsage?: number;
}

// Types with no (useful) default btree operator class.
const NON_BTREE_TYPES = /^(json|jsonb|xml|point|line|lseg|box|path|polygon|circle|tsvector|tsquery|hstore)\b|\[\]$/;

function columnMeta(t: TableMeta | null, name: string): ColumnMeta | undefined {
  return t?.columns.find((c) => c.name === name);
}

/**
 * Equality columns, most selective (most distinct values) first. Columns without statistics keep query order,
 * after those with statistics.
 */
export function orderBySelectivity(cols: string[], table: TableMeta | null): string[] {
  const score = (c: string) => {
    const m = columnMeta(table, c);
    if (!m || m.distinct === null || m.distinct === undefined) return -1;
    // Rows matched by `= value` ∝ (1 - null_frac) / distinct: fewer is more selective.
    const nonNull = 1 - (m.nullFrac ?? 0);
    return m.distinct / Math.max(nonNull, 1e-6);
  };
  return cols
    .map((c, i) => ({ c, i, s: score(c) }))
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .map((x) => x.c);
}

function btreeable(table: TableMeta | null, col: string): boolean {
  const m = columnMeta(table, col);
  return !m || !NON_BTREE_TYPES.test(m.type);
}

export function generateCandidates(shape: QueryShape, catalog: Catalog, opts: CandidateOptions = {}): IndexCandidate[] {
  const maxColumns = Math.min(Math.max(opts.maxColumns ?? 3, 1), 8);
  const maxIncludeColumns = opts.maxIncludeColumns ?? 3;
  const maxIncludeBytes = opts.maxIncludeBytes ?? 64;
  const maxPerUsage = opts.maxPerUsage ?? 24;
  const out = new Map<string, IndexCandidate>();

  for (const u of shape.usages) {
    const table = findTable(catalog, u.table.schema, u.table.name);
    const ok = (c: string) => btreeable(table, c);
    const E = orderBySelectivity(u.equality.filter(ok), table);
    const R = u.range.filter((c) => ok(c) && !E.includes(c));
    const J = u.join.filter((c) => ok(c) && !E.includes(c));
    const S = u.sort.filter((c) => ok(c.name));
    const local: IndexCandidate[] = [];
    const seen = new Set<string>();
    const add = (columns: IndexColumn[], reasons: string[], extra: Partial<IndexCandidate> = {}) => {
      const cols: IndexColumn[] = [];
      for (const c of columns) if (!cols.some((x) => x.name === c.name)) cols.push(c);
      if (cols.length === 0 || cols.length > maxColumns) return;
      const cand: IndexCandidate = {
        key: '',
        table: u.table,
        method: extra.method ?? 'btree',
        columns: cols,
        include: extra.include ?? [],
        where: extra.where ?? null,
        reasons,
      };
      cand.key = indexSignature(cand);
      if (seen.has(cand.key)) return;
      seen.add(cand.key);
      local.push(cand);
    };
    const col = (name: string): IndexColumn => ({ name });
    const eqReason = (cols: string[]) => (cols.length ? [`equality ${cols.join(', ')}`] : []);
    const sortText = S.map((s) => `${s.name}${s.desc ? ' DESC' : ''}`).join(', ');

    // The "full" shapes first (they are usually the winners), then their prefixes and single columns.
    const eqHead = E.slice(0, maxColumns);
    if (S.length) {
      for (let n = Math.min(eqHead.length, maxColumns - 1); n >= 1; n--) {
        add([...eqHead.slice(0, n).map(col), ...S].slice(0, maxColumns), [...eqReason(eqHead.slice(0, n)), `sort ${sortText}`]);
      }
    }
    for (const r of R) {
      for (let n = Math.min(eqHead.length, maxColumns - 1); n >= 1; n--) {
        add([...eqHead.slice(0, n).map(col), col(r)], [...eqReason(eqHead.slice(0, n)), `range ${r}`]);
      }
    }
    for (let n = eqHead.length; n >= 2; n--) add(eqHead.slice(0, n).map(col), eqReason(eqHead.slice(0, n)));
    for (const j of J) {
      add([col(j)], [`join ${j}`]);
      if (E.length) {
        add([col(j), col(E[0])], [`join ${j}`, ...eqReason([E[0]])]);
        add([col(E[0]), col(j)], [...eqReason([E[0]]), `join ${j}`]);
      }
    }
    for (const e of E) add([col(e)], eqReason([e]));
    for (const r of R) add([col(r)], [`range ${r}`]);
    if (S.length) {
      add(S.slice(0, maxColumns), [`sort ${sortText}`]);
      // The range column is often the sort column (created_at >= $2 ORDER BY created_at DESC): already covered.
    }
    for (const p of u.likePrefix.filter(ok)) {
      const m = columnMeta(table, p);
      const cCollation = m?.collation === 'C' || m?.collation === 'POSIX';
      const pc: IndexColumn = cCollation ? { name: p } : { name: p, opclass: 'text_pattern_ops' };
      add([pc], [`LIKE prefix ${p}`]);
      if (E.length) add([col(E[0]), pc], [...eqReason([E[0]]), `LIKE prefix ${p}`]);
    }
    for (const o of u.orColumns.filter(ok)) add([col(o)], [`OR branch ${o}`]);
    if (catalog.hasTrgm) {
      for (const l of u.like) {
        const m = columnMeta(table, l.column);
        if (m && !/^(text|character varying|character|varchar|char)/.test(m.type)) continue;
        add([{ name: l.column, opclass: 'gin_trgm_ops' }], [`${l.ilike ? 'ILIKE' : 'LIKE'} ${l.pattern === null ? '$n' : `'${l.pattern}'`} on ${l.column}`], {
          method: 'gin',
        });
      }
    }

    // Covering variants of the richest btree shapes: INCLUDE the other referenced columns when they are few and
    // narrow, so the query can be an index-only scan.
    const btrees = local.filter((c) => c.method === 'btree' && c.where === null);
    if (!u.selectsAll) {
      for (const base of btrees.slice(0, 3)) {
        const keyNames = base.columns.map((c) => c.name);
        const extra = u.referenced.filter((c) => !keyNames.includes(c) && ok(c));
        if (extra.length === 0 || extra.length > maxIncludeColumns) continue;
        const bytes = extra.reduce((sum, c) => sum + (columnMeta(table, c)?.avgWidth ?? 32), 0);
        if (bytes > maxIncludeBytes) continue;
        add(base.columns, [...base.reasons, `covering INCLUDE ${extra.join(', ')}`], { include: extra });
      }
    }

    // Partial variants: a literal predicate of the query becomes the index's WHERE, its column leaves the key.
    for (const p of u.constants) {
      const rest = btrees
        .filter((c) => c.columns.some((x) => x.name !== p.column))
        .slice(0, 3)
        .map((c) => c.columns.filter((x) => x.name !== p.column));
      if (rest.length === 0 && S.length) rest.push(S);
      const seenKeys = new Set<string>();
      for (const cols of rest) {
        const k = cols.map((c) => c.name).join(',');
        if (!cols.length || seenKeys.has(k)) continue;
        seenKeys.add(k);
        add(cols, [`partial on constant ${p.column}`], { where: p });
      }
    }

    for (const c of local.slice(0, maxPerUsage)) if (!out.has(c.key)) out.set(c.key, c);
  }
  return [...out.values()];
}

/** Columns each candidate could plausibly serve in a query: its leading key column must be used by the query. */
export function candidateMayServe(c: IndexCandidate, shape: QueryShape): boolean {
  const lead = c.columns[0]?.name;
  return shape.usages.some((u) => {
    if (u.table.schema !== c.table.schema || u.table.name !== c.table.name) return false;
    if (c.method === 'gin') return u.like.some((l) => l.column === lead);
    return (
      u.equality.includes(lead) ||
      u.range.includes(lead) ||
      u.join.includes(lead) ||
      u.likePrefix.includes(lead) ||
      u.orColumns.includes(lead) ||
      u.sort.some((s) => s.name === lead) ||
      (c.where !== null && u.constants.some((p) => p.column === c.where!.column))
    );
  });
}

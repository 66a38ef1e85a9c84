// Representative parameter values for normalized queries, from pg_stats. Pure.
//
// A generic plan (what `$1` queries get) assumes every value is average: `status = $1` matches 1/n_distinct of the
// rows. On skewed data that hides exactly what decides between indexes — an index on the sort column alone looks as
// good as (status, created_at) until the status is a rare one and the scan wades through thousands of rows. So a
// query whose equality parameters have most-common-value statistics is costed with custom plans for the most common,
// a middling and the least common of those values (LIMIT $n as 20, ranges as a fifth to a quarter of the histogram)
// and the advisor uses their mean instead of the generic plan, whose LIMIT $n guess (10 % of the rows) and
// average-value selectivities can hide both the benefit of an index and its fragility.
import { findTable, type ParamUse, type QueryShape } from './candidates';
import type { Catalog, ColumnMeta } from './types';

export interface ParamScenario {
  name: 'frequent' | 'typical' | 'rare';
  /** Text values for $1..$n (coerced by EXECUTE to the prepared parameter types). */
  values: string[];
  /** Where the equality values came from: constants the application sent (pg_qualstats) or pg_stats. */
  source: 'observed' | 'statistics';
}

const at = (xs: string[], q: number) => xs[Math.min(xs.length - 1, Math.max(0, Math.round(q * (xs.length - 1))))];

/** An array literal '{"a"}' for `= ANY($n)`. */
const arrayLiteral = (v: string) => `{"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"}`;

/** Constants seen for this statement's quals (pg_qualstats): "schema.table.column" → values with how often. */
export type ObservedValues = Map<string, { value: string; count: number }[]>;

/**
 * Parses pg_qualstats' constvalue text ('new'::text, 42::integer, '2026-01-01'::date) into the bare value, or null
 * for anything more complicated.
 */
export function parseConstValue(text: string): string | null {
  const str = /^'((?:[^']|'')*)'(?:::[\w .[\]"]+)?$/.exec(text.trim());
  if (str) return str[1].replaceAll("''", "'");
  const num = /^\(?(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\)?(?:::[\w .]+)?$/i.exec(text.trim());
  return num ? num[1] : null;
}

export function paramScenarios(
  shape: QueryShape,
  catalog: Catalog,
  opts: { limit?: number; observed?: ObservedValues } = {},
): ParamScenario[] {
  if (shape.paramCount === 0) return [];
  const byN = new Map<number, ParamUse>();
  for (const p of shape.params) if (!byN.has(p.n)) byN.set(p.n, p);
  const meta = (p: Extract<ParamUse, { kind: 'column' }>): ColumnMeta | undefined =>
    findTable(catalog, p.table.schema, p.table.name)?.columns.find((c) => c.name === p.column);

  // Range bounds per column: with both a lower and an upper bound, a window of ~20 % of the rows; with one, ~25 %.
  const rangeCols = new Map<string, { lower: boolean; upper: boolean }>();
  for (const p of byN.values()) {
    if (p.kind !== 'column' || !['<', '>', '<=', '>='].includes(p.op)) continue;
    const k = `${p.table.schema}.${p.table.name}.${p.column}`;
    const r = rangeCols.get(k) ?? { lower: false, upper: false };
    if (p.op.startsWith('>')) r.lower = true;
    else r.upper = true;
    rangeCols.set(k, r);
  }

  let skewed = false;
  let usedObserved = false;
  const build = (which: ParamScenario['name']): string[] | null => {
    const values: string[] = [];
    for (let n = 1; n <= shape.paramCount; n++) {
      const p = byN.get(n);
      if (!p) return null; // a parameter used somewhere we cannot follow: no honest value for it
      if (p.kind !== 'column') {
        values.push(p.kind === 'limit' ? String(opts.limit ?? 20) : '0');
        continue;
      }
      const m = meta(p);
      if (!m) return null;
      if (p.op === '=' || p.op === 'any') {
        let v: string | undefined;
        // Values the application actually sent (pg_qualstats) beat the table's own distribution.
        const seen = opts.observed?.get(`${p.table.schema}.${p.table.name}.${p.column}`);
        if (seen && seen.length > 0) {
          skewed = true;
          usedObserved = true;
          const sorted = [...seen].sort((a, b) => b.count - a.count);
          const k = sorted.length - 1;
          v = sorted[which === 'frequent' ? 0 : which === 'rare' ? k : Math.floor(k / 2)].value;
        } else if (m.mcv && m.mcv.values.length > 0) {
          skewed = true;
          const k = m.mcv.values.length - 1;
          v = m.mcv.values[which === 'frequent' ? 0 : which === 'rare' ? k : Math.floor(k / 2)];
        } else if (m.histogram && m.histogram.length > 0) v = at(m.histogram, 0.5);
        if (v === undefined) return null;
        values.push(p.op === 'any' ? arrayLiteral(v) : v);
        continue;
      }
      if (p.op === 'like') return null;
      const hist = m.histogram;
      if (!hist || hist.length < 2) return null;
      const r = rangeCols.get(`${p.table.schema}.${p.table.name}.${p.column}`)!;
      const lower = p.op.startsWith('>');
      values.push(r.lower && r.upper ? at(hist, lower ? 0.6 : 0.8) : at(hist, lower ? 0.75 : 0.25));
    }
    return values;
  };
  const out: ParamScenario[] = [];
  for (const name of ['frequent', 'typical', 'rare'] as const) {
    const values = build(name);
    if (!values) return [];
    out.push({ name, values, source: 'statistics' });
  }
  if (usedObserved) for (const sc of out) sc.source = 'observed';
  return skewed ? out : [];
}

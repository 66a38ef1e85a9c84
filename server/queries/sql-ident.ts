// Quoting for every identifier and literal the advisor puts into SQL text. Recommendations end up in DDL that a
// person approves and a job executes, so nothing read from a target (table, column or index names, constants
// seen in queries) is ever pasted raw: it goes through these functions. Pure.

/** Always double-quotes (even lower-case names) so reserved words and mixed case are safe and unambiguous. */
export function quoteIdent(name: string): string {
  if (typeof name !== 'string' || name.length === 0) throw new Error('quoteIdent: empty identifier');
  if (name.includes('\u0000')) throw new Error('quoteIdent: identifier contains a NUL byte');
  return `"${name.replaceAll('"', '""')}"`;
}

/** "schema"."name" */
export function quoteQualified(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

export type SqlLiteral = string | number | boolean | null | bigint;

/**
 * A SQL literal. Strings use standard quoting; a string holding a backslash uses the E'' form with the backslash
 * doubled, which reads the same whatever standard_conforming_strings is set to.
 */
export function quoteLiteral(value: SqlLiteral): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('quoteLiteral: non-finite number');
    return String(value);
  }
  if (value.includes('\u0000')) throw new Error('quoteLiteral: string contains a NUL byte');
  const body = value.replaceAll("'", "''");
  return value.includes('\\') ? `E'${body.replaceAll('\\', '\\\\')}'` : `'${body}'`;
}

/** 32-bit FNV-1a as 8 hex digits: a short stable suffix for names that had to be truncated. */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** Postgres truncates identifiers to NAMEDATALEN-1 = 63 bytes. */
export const MAX_IDENT_BYTES = 63;

/**
 * A readable index/object name from parts: lower-case [a-z0-9_] only, at most 63 bytes. When it had to be cut, the
 * tail is replaced by a hash of the full name so two long names do not collide.
 */
export function buildIdentifier(parts: string[], suffix = 'idx'): string {
  const clean = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, '_')
      .replace(/_+/g, '_')
      .replace(/^_|_$/g, '');
  const full = [...parts.map(clean).filter(Boolean), suffix].join('_');
  if (full.length <= MAX_IDENT_BYTES) return full || suffix;
  const hash = shortHash(full);
  return `${full.slice(0, MAX_IDENT_BYTES - hash.length - suffix.length - 2).replace(/_+$/, '')}_${hash}_${suffix}`;
}

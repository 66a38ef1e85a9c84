// The real Postgres parser (libpg-query, WASM). Pure computation, no IO: safe for unit tests.
import { parse } from 'libpg-query';
import type { ParseTree } from './candidates';

export async function parseSql(sql: string): Promise<ParseTree> {
  return (await parse(sql)) as unknown as ParseTree;
}

/** The parse error message without throwing, or null when the text parses. */
export async function tryParseSql(sql: string): Promise<{ tree: ParseTree } | { error: string }> {
  try {
    return { tree: await parseSql(sql) };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

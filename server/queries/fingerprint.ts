// libpg_query fingerprints: the same statement gives the same fingerprint whether its constants are literals or $n
// placeholders and whatever its whitespace or case, so the texts an application reports match pg_stat_statements'
// normalized texts. Pure computation (WASM); results are cached per text because the same statements repeat in every
// batch.
import { fingerprint } from 'libpg-query';

const MAX_CACHE = 5000;
const cache = new Map<string, string | null>();

/** The fingerprint, or null when the text is not parsable SQL. */
export async function fingerprintSql(sql: string): Promise<string | null> {
  const hit = cache.get(sql);
  if (hit !== undefined) {
    // refresh LRU position
    cache.delete(sql);
    cache.set(sql, hit);
    return hit;
  }
  let fp: string | null;
  try {
    fp = await fingerprint(sql);
  } catch {
    fp = null;
  }
  cache.set(sql, fp);
  if (cache.size > MAX_CACHE) cache.delete(cache.keys().next().value as string);
  return fp;
}

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateDatabase } from '@/server/migrations';

// Each integration test file gets its own fresh, migrated database (and drops it at the end).
export const PG_BASE = (process.env.TEST_PG_BASE ?? 'postgresql://postgres@127.0.0.1:5432').replace(/\/+$/, '');
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(label: string, opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const name = `pdtest_${label.replace(/[^a-z0-9]/gi, '').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: `${PG_BASE}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = `${PG_BASE}/${name}`;
  if (opts.migrate !== false) await migrateDatabase(url);
  return {
    name,
    url,
    async drop() {
      const c = new pg.Client({ connectionString: `${PG_BASE}/postgres` });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Point this test file's process at its database and its own BullMQ prefix before anything reads env(). */
export function useTestEnv(db: TestDatabase, extra: Record<string, string> = {}): string {
  const prefix = `pdt${randomBytes(4).toString('hex')}`;
  process.env.DATABASE_URL = db.url;
  process.env.REDIS_URL = TEST_REDIS_URL;
  process.env.PERFDECK_QUEUE_PREFIX = prefix;
  (process.env as Record<string, string>).NODE_ENV = 'test';
  Object.assign(process.env, extra);
  return prefix;
}

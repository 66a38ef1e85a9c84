// Prepares the e2e databases before Playwright starts the servers: a fresh console database (created and dropped by
// the tests only: never a user's), the demo target's database, and one user per role with per-run passwords.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import pg from 'pg';
import { E2E_DATABASE_URL, E2E_DEMO_DATABASE_URL, E2E_DEMO_PORT, E2E_USERS_FILE, e2eServerEnv } from './env';

function assertLocal(url: string) {
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) throw new Error(`refusing to reset a non-local database: ${host}`);
}

async function recreate(url: string, drop: boolean) {
  assertLocal(url);
  const name = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: url.replace(/\/[^/]+$/, '/postgres') });
  await admin.connect();
  if (drop) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount;
  if (!exists) await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
}

export async function prepareE2e(): Promise<void> {
  Object.assign(process.env, e2eServerEnv(), { NODE_ENV: 'test' });
  await recreate(E2E_DATABASE_URL, true);
  await recreate(E2E_DEMO_DATABASE_URL, false);
  const demo = new pg.Client({ connectionString: E2E_DEMO_DATABASE_URL });
  await demo.connect();
  await demo.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements; CREATE EXTENSION IF NOT EXISTS hypopg; CREATE EXTENSION IF NOT EXISTS pg_trgm');
  await demo.end();
  const { migrateDatabase } = await import('../server/migrations');
  await migrateDatabase(E2E_DATABASE_URL);
  const { seedDemo, resetDemoIndexes } = await import('../demo/seed');
  await seedDemo(E2E_DEMO_DATABASE_URL, { log: () => {} });
  await resetDemoIndexes(E2E_DEMO_DATABASE_URL);
  const { seedConsole } = await import('../prisma/seed');
  const { ensureUser } = await import('../server/users/service');
  const { SYSTEM_ACTOR } = await import('../server/auth/roles');
  const users: Record<string, { email: string; password: string }> = {};
  for (const role of ['admin', 'approver', 'operator', 'viewer'] as const) {
    const password = randomBytes(9).toString('base64url') + 'Aa1';
    const email = `${role}@e2e.local`;
    await ensureUser(SYSTEM_ACTOR, email, role, `E2E ${role}`, password);
    users[role] = { email, password };
  }
  await seedConsole({ adminEmail: 'admin@e2e.local', demoBaseUrl: `http://127.0.0.1:${E2E_DEMO_PORT}`, demoDsn: E2E_DEMO_DATABASE_URL, quiet: true });
  await mkdir('.perfdeck', { recursive: true });
  await writeFile(E2E_USERS_FILE, JSON.stringify(users, null, 2), { mode: 0o600 });
  const { db } = await import('../server/db');
  await db().$disconnect();
}

if (process.argv[1]?.endsWith('prepare.ts')) {
  prepareE2e().then(
    () => console.log('[e2e] databases prepared'),
    (err) => {
      console.error(`[e2e] prepare failed: ${(err as Error).stack}`);
      process.exit(1);
    },
  );
}

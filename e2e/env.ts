// One place for the e2e environment, shared by playwright.config.ts, e2e/prepare.ts and the specs.
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const E2E_DEMO_PORT = Number(process.env.E2E_DEMO_PORT ?? 4110);
export const E2E_BASE_URL = `http://127.0.0.1:${E2E_PORT}`;
const PG_BASE = (process.env.TEST_PG_BASE ?? 'postgresql://postgres@127.0.0.1:5432').replace(/\/+$/, '');
export const E2E_DATABASE_URL = process.env.E2E_DATABASE_URL ?? `${PG_BASE}/perfdeck_e2e`;
export const E2E_DEMO_DATABASE_URL = process.env.E2E_DEMO_DATABASE_URL ?? `${PG_BASE}/perfdeck_e2e_demo`;
// Overridable so that a second e2e run on the same machine (another port, database and prefix) does not share files,
// queues or users with the first.
export const E2E_USERS_FILE = process.env.E2E_USERS_FILE ?? '.perfdeck/e2e-users.json';
const E2E_QUEUE_PREFIX = process.env.E2E_QUEUE_PREFIX ?? 'pde2e';

export function e2eServerEnv(): Record<string, string> {
  return {
    ...(process.env as Record<string, string>),
    NODE_ENV: 'production',
    DATABASE_URL: E2E_DATABASE_URL,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    PERFDECK_URL: E2E_BASE_URL,
    PERFDECK_QUEUE_PREFIX: E2E_QUEUE_PREFIX,
    PERFDECK_ENCRYPTION_KEY: process.env.PERFDECK_ENCRYPTION_KEY ?? 'e2'.repeat(32),
    BETTER_AUTH_SECRET: process.env.BETTER_AUTH_SECRET ?? 'e2e-auth-secret-'.repeat(3),
    DEMO_PORT: String(E2E_DEMO_PORT),
    DEMO_DATABASE_URL: E2E_DEMO_DATABASE_URL,
  };
}

import { z } from 'zod';

// One validated view of the environment. Parsed lazily (so `next build` does not need secrets) and cached.
// Every variable is listed in README.md's configuration table.

const port = (def: number) => z.coerce.number().int().min(1).max(65535).default(def);

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL').default('postgresql://postgres@127.0.0.1:5432/perfdeck'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').default('redis://127.0.0.1:6379'),
  PERFDECK_URL: z.url('must be an absolute URL such as http://127.0.0.1:3000').default('http://127.0.0.1:3000'),
  PERFDECK_ENCRYPTION_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (32 bytes); generate one with: openssl rand -hex 32')
    .optional(),
  BETTER_AUTH_SECRET: z.string().min(32, 'must be at least 32 characters; generate one with: openssl rand -hex 32').optional(),
  PERFDECK_QUEUE_PREFIX: z.string().regex(/^[a-z0-9_-]+$/i).default('perfdeck'),
  PERFDECK_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  DEMO_PORT: port(4010),
  CHROME_PATH: z.string().default('/usr/bin/chromium'),
});

export type Env = z.infer<typeof EnvSchema>;

// Keys only for development and tests, where the demo/test scripts do not provide one; production refuses them.
const DEV_ENCRYPTION_KEY = '0'.repeat(63) + '1';
const DEV_AUTH_SECRET = 'perfdeck-development-secret-do-not-use-in-production';

export class EnvError extends Error {}

export function parseEnv(source: Record<string, string | undefined>): Env & { PERFDECK_ENCRYPTION_KEY: string; BETTER_AUTH_SECRET: string } {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EnvError(`Invalid environment variable ${String(issue.path[0])}: ${issue.message}`);
  }
  const env = parsed.data;
  const production = env.NODE_ENV === 'production' && source.PERFDECK_ALLOW_DEV_KEYS !== '1';
  if (!env.PERFDECK_ENCRYPTION_KEY && production) {
    throw new EnvError('Missing environment variable PERFDECK_ENCRYPTION_KEY: required in production (64 hex chars; openssl rand -hex 32)');
  }
  if (!env.BETTER_AUTH_SECRET && production) {
    throw new EnvError('Missing environment variable BETTER_AUTH_SECRET: required in production (openssl rand -hex 32)');
  }
  return {
    ...env,
    PERFDECK_ENCRYPTION_KEY: env.PERFDECK_ENCRYPTION_KEY ?? DEV_ENCRYPTION_KEY,
    BETTER_AUTH_SECRET: env.BETTER_AUTH_SECRET ?? DEV_AUTH_SECRET,
  };
}

let cached: ReturnType<typeof parseEnv> | undefined;
export function env() {
  cached ??= parseEnv(process.env);
  return cached;
}

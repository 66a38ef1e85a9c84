// `npm run seed`: idempotent console seed. Creates the first admin (password generated on first run, written to
// .perfdeck/admin-login.txt with mode 600, never a constant), registers the demo target, and runs each
// capability's own seed (scenario presets, budgets, …).
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SYSTEM_ACTOR } from '../server/auth/roles';
import { db } from '../server/db';
import { env } from '../server/env';
import { createTarget, listTargets, updateTarget } from '../server/targets/service';
import { ensureUser } from '../server/users/service';
import { DOMAIN_SEEDS } from './seeds';

const STATE_DIR = path.join(process.cwd(), '.perfdeck');
const LOGIN_FILE = path.join(STATE_DIR, 'admin-login.txt');
export const DEMO_TARGET_NAME = 'Lead-gen demo';

export async function seedConsole(opts: { adminEmail?: string; demoBaseUrl: string; demoDsn: string; quiet?: boolean }) {
  const log = (l: string) => !opts.quiet && console.log(`[seed] ${l}`);
  const adminEmail = opts.adminEmail ?? process.env.PERFDECK_ADMIN_EMAIL ?? 'admin@perfdeck.local';
  const admin = await ensureUser(SYSTEM_ACTOR, adminEmail, 'admin', 'Admin', process.env.PERFDECK_ADMIN_PASSWORD || undefined);
  if (admin.created) {
    await mkdir(STATE_DIR, { recursive: true });
    await writeFile(LOGIN_FILE, `email=${adminEmail}\npassword=${admin.password}\n`, { mode: 0o600 });
    await chmod(LOGIN_FILE, 0o600);
    log(`created admin ${adminEmail} (login saved in .perfdeck/admin-login.txt)`);
  }
  const targets = await listTargets(SYSTEM_ACTOR);
  const existing = targets.find((t) => t.name === DEMO_TARGET_NAME);
  const input = { name: DEMO_TARGET_NAME, baseUrl: opts.demoBaseUrl, postgresDsn: opts.demoDsn };
  const target = existing ? await updateTarget(SYSTEM_ACTOR, existing.id, input) : await createTarget(SYSTEM_ACTOR, input);
  log(`${existing ? 'updated' : 'registered'} target "${DEMO_TARGET_NAME}" → ${opts.demoBaseUrl}`);
  for (const seed of DOMAIN_SEEDS) await seed({ demoTargetId: target.id, log });
  return { adminEmail, adminPassword: admin.password, demoTargetId: target.id };
}

export async function readAdminLogin(): Promise<{ email: string; password: string } | null> {
  try {
    const text = await readFile(LOGIN_FILE, 'utf8');
    const get = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(text)?.[1] ?? '';
    return { email: get('email'), password: get('password') };
  } catch {
    return null;
  }
}

if (process.argv[1]?.endsWith('seed.ts')) {
  try {
    env();
    const demoPort = env().DEMO_PORT;
    const demoDsn = process.env.DEMO_DATABASE_URL ?? env().DATABASE_URL.replace(/\/[^/?]+(\?.*)?$/, '/perfdeck_demo');
    await seedConsole({ demoBaseUrl: `http://127.0.0.1:${demoPort}`, demoDsn });
    await db().$disconnect();
  } catch (err) {
    console.error(`[seed] ${(err as Error).message}`);
    process.exit(1);
  }
}

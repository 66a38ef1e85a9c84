// `node --import tsx scripts/demo-agent-token.ts` → prints (as its only stdout line) an API token for the demo target's
// query reporting (POST /api/v1/queries), so scripts/demo.sh can hand it to the demo server and the Queries page
// shows p50/p95/p99 from real timings. The token belongs to an operator-role "demo agent" user in the console database
// (DATABASE_URL) and is kept in .perfdeck/demo-agent-token.json (mode 600): reused while it still authenticates
// against that database, replaced otherwise. Exit 1 with one line on stderr when it cannot.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { actorFromToken } from '../server/auth/actor';
import { SYSTEM_ACTOR } from '../server/auth/roles';
import { db } from '../server/db';
import { env } from '../server/env';
import { createApiToken, ensureUser } from '../server/users/service';

const FILE = path.join(process.cwd(), '.perfdeck', 'demo-agent-token.json');
const EMAIL = 'demo-agent@perfdeck.local';

async function main(): Promise<string> {
  const database = new URL(env().DATABASE_URL).pathname.slice(1);
  try {
    const saved = JSON.parse(await readFile(FILE, 'utf8')) as { database?: string; token?: string };
    if (saved.database === database && saved.token && (await actorFromToken(saved.token))?.email === EMAIL) return saved.token;
  } catch {
    // no file yet, or unreadable: make a new token
  }
  await ensureUser(SYSTEM_ACTOR, EMAIL, 'operator', 'Demo agent (query reporting)');
  const user = await db().user.findUniqueOrThrow({ where: { email: EMAIL } });
  const { token } = await createApiToken({ id: user.id, email: user.email, name: user.name, role: 'operator', via: 'session' }, { name: 'demo target query reporting' });
  await mkdir(path.dirname(FILE), { recursive: true });
  await writeFile(FILE, JSON.stringify({ database, token }), { mode: 0o600 });
  await chmod(FILE, 0o600);
  return token;
}

main().then(
  async (token) => {
    process.stdout.write(`${token}\n`);
    await db().$disconnect();
  },
  async (err) => {
    process.stderr.write(`[demo-agent-token] ${(err as Error).message.split('\n')[0]}\n`);
    await db().$disconnect().catch(() => {});
    process.exit(1);
  },
);

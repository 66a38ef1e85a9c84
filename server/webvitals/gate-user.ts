// Credentials the CI gate signs in with (IO: database). Either given (PERFDECK_PERF_EMAIL / PERFDECK_PERF_PASSWORD)
// or a dedicated viewer that the gate creates through the users service and whose password it rotates on every
// run, so no password has to be stored anywhere. A viewer sees every page the gate audits and can change nothing.
import { hashPassword } from 'better-auth/crypto';
import { recordAudit } from '../audit/service';
import { isRole, SYSTEM_ACTOR, type Role } from '../auth/roles';
import { db } from '../db';
import { ensureUser, generatePassword } from '../users/service';

export const PERF_GATE_EMAIL = 'perf-gate@perfdeck.local';

export interface GateCredentials {
  email: string;
  password: string;
  source: 'env' | 'gate-user';
}

export async function prepareGateCredentials(env: Record<string, string | undefined> = process.env): Promise<GateCredentials> {
  const email = env.PERFDECK_PERF_EMAIL?.trim();
  const password = env.PERFDECK_PERF_PASSWORD;
  if (email && password) return { email, password, source: 'env' };
  if (email || password) throw new Error('Set both PERFDECK_PERF_EMAIL and PERFDECK_PERF_PASSWORD, or neither');

  const fresh = generatePassword() + generatePassword(); // 32 chars, over better-auth's minimum of 10
  const created = await ensureUser(SYSTEM_ACTOR, PERF_GATE_EMAIL, 'viewer', 'Perf budget gate', fresh);
  if (created.created) return { email: PERF_GATE_EMAIL, password: fresh, source: 'gate-user' };

  const user = await db().user.findUnique({ where: { email: PERF_GATE_EMAIL } });
  if (!user) throw new Error(`${PERF_GATE_EMAIL} vanished while preparing the gate`);
  if (user.disabled) {
    throw new Error(`${PERF_GATE_EMAIL} is disabled; enable it or set PERFDECK_PERF_EMAIL/PERFDECK_PERF_PASSWORD`);
  }
  // Same credential-account layout as users/service.ts createUser (better-auth's email+password provider).
  const hash = await hashPassword(fresh);
  await db().$transaction(async (tx) => {
    const r = await tx.account.updateMany({ where: { userId: user.id, providerId: 'credential' }, data: { password: hash } });
    if (r.count !== 1) throw new Error(`${PERF_GATE_EMAIL} has no password account; delete the user and rerun`);
    await recordAudit(tx, SYSTEM_ACTOR, { action: 'user.password.rotate', entityType: 'user', entityId: user.id, after: { reason: 'perf budget gate sign-in' } });
  });
  return { email: PERF_GATE_EMAIL, password: fresh, source: 'gate-user' };
}

/**
 * Signs in through better-auth's email endpoint and returns a Cookie header value. The Origin header must match
 * PERFDECK_URL: better-auth rejects cross-origin sign-ins.
 */
export async function signIn(baseUrl: string, creds: Pick<GateCredentials, 'email' | 'password'>): Promise<string> {
  const origin = new URL(baseUrl).origin;
  const res = await fetch(new URL('/api/auth/sign-in/email', origin), {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: JSON.stringify({ email: creds.email, password: creds.password }),
    redirect: 'manual',
    signal: AbortSignal.timeout(20_000),
  });
  if (!res.ok) {
    const body = (await res.text().catch(() => '')).slice(0, 300);
    throw new Error(`Sign-in as ${creds.email} failed: HTTP ${res.status} ${body}`);
  }
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]).filter(Boolean);
  if (!cookies.length) throw new Error(`Sign-in as ${creds.email} returned no session cookie`);
  return cookies.join('; ');
}

/**
 * The role the gate's session will have (the gate viewer's is viewer unless an admin changed it). Pages that need
 * a higher role are skipped rather than audited as their "needs the admin role" notice.
 */
export async function gateRole(creds: Pick<GateCredentials, 'email'>): Promise<Role> {
  const user = await db().user.findUnique({ where: { email: creds.email }, select: { role: true } });
  return user && isRole(user.role) ? user.role : 'viewer';
}

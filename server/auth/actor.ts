import { db } from '../db';
import { auth } from './auth';
import { isRole, type Actor } from './roles';
import { hashApiToken, parseBearer } from './tokens';

// Who is calling: a browser session (better-auth cookie) or an API token (Authorization: Bearer pd_…).
// A disabled user or a revoked/expired token is nobody.

export async function actorFromToken(token: string): Promise<Actor | null> {
  const row = await db().apiToken.findUnique({ where: { tokenHash: hashApiToken(token) }, include: { user: true } });
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt < new Date())) return null;
  if (row.user.disabled || !isRole(row.user.role)) return null;
  // lastUsedAt is informative; write at most once a minute per token.
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    await db().apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } }).catch(() => {});
  }
  return { id: row.user.id, email: row.user.email, name: row.user.name, role: row.user.role, via: 'token' };
}

export async function actorFromHeaders(headers: Headers): Promise<Actor | null> {
  const bearer = parseBearer(headers.get('authorization'));
  if (bearer) return actorFromToken(bearer);
  const session = await auth().api.getSession({ headers });
  if (!session) return null;
  // Re-read the role and the disabled flag on every request so changes take effect immediately.
  const user = await db().user.findUnique({ where: { id: session.user.id } });
  if (!user || user.disabled || !isRole(user.role)) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role, via: 'session' };
}

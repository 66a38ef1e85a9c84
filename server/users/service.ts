import { randomBytes, randomUUID } from 'node:crypto';
import { hashPassword } from 'better-auth/crypto';
import { recordAudit } from '../audit/service';
import { authorize } from '../auth/authorize';
import type { Actor, Role } from '../auth/roles';
import { generateApiToken } from '../auth/tokens';
import { db } from '../db';
import { ConflictError, ForbiddenError, NotFoundError, parseInput, ValidationError } from '../errors';
import { CreateTokenSchema, CreateUserSchema, UpdateRoleSchema, type ApiTokenDto, type UserDto } from './schema';

// Users, roles and API tokens. Admin-only except that everyone may manage their own API tokens.


const toUserDto = (u: { id: string; email: string; name: string; role: string; disabled: boolean; createdAt: Date }): UserDto => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  disabled: u.disabled,
  createdAt: u.createdAt.toISOString(),
});

export async function listUsers(actor: Actor): Promise<UserDto[]> {
  authorize(actor, 'admin');
  return (await db().user.findMany({ orderBy: { createdAt: 'asc' } })).map(toUserDto);
}

export async function createUser(actor: Actor, input: unknown): Promise<UserDto> {
  authorize(actor, 'admin');
  const data = parseInput(CreateUserSchema, input);
  if (await db().user.findUnique({ where: { email: data.email } })) {
    throw new ConflictError('A user with this email exists.', { email: 'A user with this email exists' });
  }
  const hash = await hashPassword(data.password);
  const user = await db().$transaction(async (tx) => {
    const id = randomUUID();
    const u = await tx.user.create({ data: { id, email: data.email, name: data.name, role: data.role, emailVerified: true } });
    await tx.account.create({ data: { id: randomUUID(), accountId: id, providerId: 'credential', userId: id, password: hash } });
    await recordAudit(tx, actor, { action: 'user.create', entityType: 'user', entityId: id, after: toUserDto(u) });
    return u;
  });
  return toUserDto(user);
}

async function adminCount(): Promise<number> {
  return db().user.count({ where: { role: 'admin', disabled: false } });
}

export async function updateUserRole(actor: Actor, userId: string, input: unknown): Promise<UserDto> {
  authorize(actor, 'admin');
  const { role } = parseInput(UpdateRoleSchema, input);
  const before = await db().user.findUnique({ where: { id: userId } });
  if (!before) throw new NotFoundError('User');
  if (before.role === 'admin' && role !== 'admin' && (await adminCount()) <= 1) {
    throw new ValidationError('Perfdeck needs at least one admin.', { role: 'The last admin cannot be demoted' });
  }
  const after = await db().$transaction(async (tx) => {
    const u = await tx.user.update({ where: { id: userId }, data: { role } });
    await recordAudit(tx, actor, { action: 'user.role.update', entityType: 'user', entityId: userId, before: toUserDto(before), after: toUserDto(u) });
    return u;
  });
  return toUserDto(after);
}

export async function setUserDisabled(actor: Actor, userId: string, disabled: boolean): Promise<UserDto> {
  authorize(actor, 'admin');
  const before = await db().user.findUnique({ where: { id: userId } });
  if (!before) throw new NotFoundError('User');
  if (disabled && userId === actor.id) throw new ValidationError('You cannot disable yourself.');
  if (disabled && before.role === 'admin' && (await adminCount()) <= 1) throw new ValidationError('Perfdeck needs at least one admin.');
  const after = await db().$transaction(async (tx) => {
    const u = await tx.user.update({ where: { id: userId }, data: { disabled } });
    if (disabled) await tx.session.deleteMany({ where: { userId } }); // sign them out everywhere
    await recordAudit(tx, actor, { action: disabled ? 'user.disable' : 'user.enable', entityType: 'user', entityId: userId, before: toUserDto(before), after: toUserDto(u) });
    return u;
  });
  return toUserDto(after);
}

// ─── API tokens ───

export async function listApiTokens(actor: Actor): Promise<ApiTokenDto[]> {
  authorize(actor, 'viewer');
  const rows = await db().apiToken.findMany({
    where: actor.role === 'admin' ? {} : { userId: actor.id },
    include: { user: { select: { email: true } } },
    orderBy: { createdAt: 'desc' },
  });
  return rows.map((t) => ({
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    ownerEmail: t.user.email,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    expiresAt: t.expiresAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
    createdAt: t.createdAt.toISOString(),
  }));
}

/** Returns the token in clear exactly once; only its SHA-256 hash is stored. It acts with its owner's role. */
export async function createApiToken(actor: Actor, input: unknown): Promise<{ token: string; dto: ApiTokenDto }> {
  authorize(actor, 'viewer');
  if (actor.via === 'token') throw new ForbiddenError('API tokens cannot create more tokens; sign in to the console.');
  const data = parseInput(CreateTokenSchema, input);
  const { token, prefix, hash } = generateApiToken();
  const expiresAt = data.expiresInDays ? new Date(Date.now() + data.expiresInDays * 86_400_000) : null;
  const row = await db().$transaction(async (tx) => {
    const t = await tx.apiToken.create({ data: { id: randomUUID(), name: data.name, prefix, tokenHash: hash, userId: actor.id, expiresAt } });
    await recordAudit(tx, actor, { action: 'token.create', entityType: 'api_token', entityId: t.id, after: { name: t.name, prefix, expiresAt } });
    return t;
  });
  return {
    token,
    dto: { id: row.id, name: row.name, prefix, ownerEmail: actor.email, lastUsedAt: null, expiresAt: expiresAt?.toISOString() ?? null, revokedAt: null, createdAt: row.createdAt.toISOString() },
  };
}

export async function revokeApiToken(actor: Actor, tokenId: string): Promise<void> {
  authorize(actor, 'viewer');
  const t = await db().apiToken.findUnique({ where: { id: tokenId } });
  if (!t || (t.userId !== actor.id && actor.role !== 'admin')) throw new NotFoundError('Token');
  if (t.revokedAt) return;
  await db().$transaction(async (tx) => {
    await tx.apiToken.update({ where: { id: tokenId }, data: { revokedAt: new Date() } });
    await recordAudit(tx, actor, { action: 'token.revoke', entityType: 'api_token', entityId: tokenId, before: { name: t.name, prefix: t.prefix } });
  });
}

// ─── bootstrap ───

export function generatePassword(): string {
  return randomBytes(12).toString('base64url');
}

/** Seed helper: make sure a user exists with this role; returns the password only when it created the user. */
export async function ensureUser(actor: Actor, email: string, role: Role, name: string, password?: string): Promise<{ created: boolean; password?: string }> {
  const existing = await db().user.findUnique({ where: { email } });
  if (existing) return { created: false };
  const pw = password ?? generatePassword();
  await createUser(actor, { email, name, role, password: pw });
  return { created: true, password: pw };
}

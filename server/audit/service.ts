import type { Prisma } from '@/prisma/generated/client';
import { authorize } from '../auth/authorize';
import type { Actor } from '../auth/roles';
import { db } from '../db';
import { redactSecrets } from './redact';

type Tx = Prisma.TransactionClient;

export interface AuditEntry {
  action: string; // verb.noun, e.g. target.create, user.role.update, loadtest.launch
  entityType: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
  ip?: string | null;
}

/** Write an audit row inside the caller's transaction, so a mutation and its audit row land together or not at all. */
export async function recordAudit(tx: Tx, actor: Actor, entry: AuditEntry): Promise<void> {
  await tx.auditLog.create({
    data: {
      actorId: actor.via === 'system' ? null : actor.id,
      actorEmail: actor.email,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId ?? null,
      before: (entry.before === undefined ? undefined : redactSecrets(entry.before)) as Prisma.InputJsonValue | undefined,
      after: (entry.after === undefined ? undefined : redactSecrets(entry.after)) as Prisma.InputJsonValue | undefined,
      ip: entry.ip ?? null,
    },
  });
}

export interface AuditRowDto {
  id: string;
  at: string;
  actorEmail: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
}

export async function listAudit(
  actor: Actor,
  opts: { limit?: number; beforeId?: string; entityType?: string } = {},
): Promise<{ rows: AuditRowDto[]; nextBeforeId: string | null }> {
  authorize(actor, 'admin');
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 200);
  const rows = await db().auditLog.findMany({
    where: {
      ...(opts.beforeId && /^\d+$/.test(opts.beforeId) ? { id: { lt: BigInt(opts.beforeId) } } : {}),
      ...(opts.entityType ? { entityType: opts.entityType } : {}),
    },
    orderBy: { id: 'desc' },
    take: limit + 1,
  });
  const page = rows.slice(0, limit).map((r) => ({
    id: r.id.toString(),
    at: r.at.toISOString(),
    actorEmail: r.actorEmail,
    action: r.action,
    entityType: r.entityType,
    entityId: r.entityId,
    before: r.before,
    after: r.after,
  }));
  return { rows: page, nextBeforeId: rows.length > limit ? page[page.length - 1].id : null };
}

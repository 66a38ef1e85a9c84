import type { Prisma, Target, TargetCheck } from '@/prisma/generated/client';
import { db } from '../db';
import type { CheckResult, TargetCheckDto, TargetDto } from './schema';

// Prisma access for targets; returns DTOs without secrets.

export function toCheckDto(c: TargetCheck): TargetCheckDto {
  return {
    id: c.id,
    status: c.status,
    progress: c.progress,
    jobId: c.jobId,
    result: (c.result as unknown as CheckResult | null) ?? null,
    error: c.error,
    createdAt: c.createdAt.toISOString(),
    finishedAt: c.finishedAt?.toISOString() ?? null,
  };
}

export function toTargetDto(t: Target, lastCheck?: TargetCheck | null): TargetDto {
  return {
    id: t.id,
    name: t.name,
    baseUrl: t.baseUrl,
    postgres: t.postgresDsnEnc ? t.postgresHint : null,
    redis: t.redisUrlEnc ? t.redisHint : null,
    prometheus: t.prometheusUrlEnc ? t.prometheusHint : null,
    lastCheck: lastCheck ? toCheckDto(lastCheck) : null,
    createdAt: t.createdAt.toISOString(),
  };
}

export async function findTargets(): Promise<TargetDto[]> {
  const rows = await db().target.findMany({
    orderBy: { name: 'asc' },
    include: { checks: { orderBy: { createdAt: 'desc' }, take: 1 } },
  });
  return rows.map((t) => toTargetDto(t, t.checks[0]));
}

export async function findTarget(id: string): Promise<TargetDto | null> {
  const t = await db().target.findUnique({ where: { id }, include: { checks: { orderBy: { createdAt: 'desc' }, take: 1 } } });
  return t ? toTargetDto(t, t.checks[0]) : null;
}

export async function findTargetRow(id: string): Promise<Target | null> {
  return db().target.findUnique({ where: { id } });
}

export async function findCheck(id: string): Promise<TargetCheck | null> {
  return db().targetCheck.findUnique({ where: { id } });
}

export async function findChecks(targetId: string, take = 10): Promise<TargetCheckDto[]> {
  const rows = await db().targetCheck.findMany({ where: { targetId }, orderBy: { createdAt: 'desc' }, take });
  return rows.map(toCheckDto);
}

export async function updateCheck(id: string, data: Prisma.TargetCheckUpdateInput): Promise<void> {
  await db().targetCheck.update({ where: { id }, data });
}

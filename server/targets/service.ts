import { randomUUID } from 'node:crypto';
import type { Prisma } from '@/prisma/generated/client';
import { recordAudit } from '../audit/service';
import { authorize } from '../auth/authorize';
import type { Actor } from '../auth/roles';
import { decryptSecret, encryptSecret } from '../crypto';
import { db } from '../db';
import { ConflictError, NotFoundError, parseInput } from '../errors';
import { enqueue } from '../jobs/enqueue';
import type { JobContext } from '../jobs/runner';
import { probeHttp, probePostgres, probePrometheus, probeRedis } from './probe';
import * as repo from './repo';
import { TargetInputSchema, TargetUpdateSchema, redactUrl, type CheckResult, type TargetCheckDto, type TargetDto } from './schema';

// The one way into targets for pages, actions, route handlers, workers and the CLI.


function auditView(t: { id: string; name: string; baseUrl: string; postgresHint: string | null; redisHint: string | null; prometheusHint: string | null; postgresDsnEnc: string | null; redisUrlEnc: string | null; prometheusUrlEnc: string | null }) {
  return {
    id: t.id,
    name: t.name,
    baseUrl: t.baseUrl,
    postgres: t.postgresDsnEnc ? t.postgresHint : null,
    redis: t.redisUrlEnc ? t.redisHint : null,
    prometheus: t.prometheusUrlEnc ? t.prometheusHint : null,
  };
}

export async function listTargets(actor: Actor): Promise<TargetDto[]> {
  authorize(actor, 'viewer');
  return repo.findTargets();
}

export async function getTarget(actor: Actor, id: string): Promise<TargetDto> {
  authorize(actor, 'viewer');
  const t = await repo.findTarget(id);
  if (!t) throw new NotFoundError('Target');
  return t;
}

export async function listTargetChecks(actor: Actor, targetId: string): Promise<TargetCheckDto[]> {
  authorize(actor, 'viewer');
  return repo.findChecks(targetId);
}

export async function createTarget(actor: Actor, input: unknown): Promise<TargetDto> {
  authorize(actor, 'admin');
  const data = parseInput(TargetInputSchema, input);
  if (await db().target.findUnique({ where: { name: data.name } })) {
    throw new ConflictError('A target with this name exists.', { name: 'A target with this name exists' });
  }
  const created = await db().$transaction(async (tx) => {
    const t = await tx.target.create({
      data: {
        id: randomUUID(),
        name: data.name,
        baseUrl: data.baseUrl,
        postgresDsnEnc: data.postgresDsn ? encryptSecret(data.postgresDsn) : null,
        postgresHint: redactUrl(data.postgresDsn),
        redisUrlEnc: data.redisUrl ? encryptSecret(data.redisUrl) : null,
        redisHint: redactUrl(data.redisUrl),
        prometheusUrlEnc: data.prometheusUrl ? encryptSecret(data.prometheusUrl) : null,
        prometheusHint: redactUrl(data.prometheusUrl),
      },
    });
    await recordAudit(tx, actor, { action: 'target.create', entityType: 'target', entityId: t.id, after: auditView(t) });
    return t;
  });
  return repo.toTargetDto(created);
}

export async function updateTarget(actor: Actor, id: string, input: unknown): Promise<TargetDto> {
  authorize(actor, 'admin');
  const data = parseInput(TargetUpdateSchema, input);
  const before = await repo.findTargetRow(id);
  if (!before) throw new NotFoundError('Target');
  const clash = await db().target.findUnique({ where: { name: data.name } });
  if (clash && clash.id !== id) throw new ConflictError('A target with this name exists.', { name: 'A target with this name exists' });
  const secret = (value: string | undefined, clear: boolean | undefined, enc: string | null, hint: string | null) =>
    clear ? { enc: null, hint: null } : value ? { enc: encryptSecret(value), hint: redactUrl(value) } : { enc, hint };
  const pgS = secret(data.postgresDsn, data.clearPostgresDsn, before.postgresDsnEnc, before.postgresHint);
  const rdS = secret(data.redisUrl, data.clearRedisUrl, before.redisUrlEnc, before.redisHint);
  const prS = secret(data.prometheusUrl, data.clearPrometheusUrl, before.prometheusUrlEnc, before.prometheusHint);
  const updated = await db().$transaction(async (tx) => {
    const t = await tx.target.update({
      where: { id },
      data: {
        name: data.name,
        baseUrl: data.baseUrl,
        postgresDsnEnc: pgS.enc,
        postgresHint: pgS.hint,
        redisUrlEnc: rdS.enc,
        redisHint: rdS.hint,
        prometheusUrlEnc: prS.enc,
        prometheusHint: prS.hint,
      },
    });
    await recordAudit(tx, actor, {
      action: 'target.update',
      entityType: 'target',
      entityId: id,
      before: auditView(before),
      after: { ...auditView(t), secretsChanged: { postgres: pgS.enc !== before.postgresDsnEnc, redis: rdS.enc !== before.redisUrlEnc, prometheus: prS.enc !== before.prometheusUrlEnc } },
    });
    return t;
  });
  return repo.toTargetDto(updated);
}

export async function deleteTarget(actor: Actor, id: string): Promise<void> {
  authorize(actor, 'admin');
  const before = await repo.findTargetRow(id);
  if (!before) throw new NotFoundError('Target');
  await db().$transaction(async (tx) => {
    await tx.target.delete({ where: { id } });
    await recordAudit(tx, actor, { action: 'target.delete', entityType: 'target', entityId: id, before: auditView(before) });
  });
}

/** Server-side only (workers, services): the decrypted connection settings. Never return this to a browser. */
export async function loadTargetConnections(targetId: string): Promise<{ baseUrl: string; postgresDsn: string | null; redisUrl: string | null; prometheusUrl: string | null; name: string }> {
  const t = await repo.findTargetRow(targetId);
  if (!t) throw new NotFoundError('Target');
  return {
    name: t.name,
    baseUrl: t.baseUrl,
    postgresDsn: t.postgresDsnEnc ? decryptSecret(t.postgresDsnEnc) : null,
    redisUrl: t.redisUrlEnc ? decryptSecret(t.redisUrlEnc) : null,
    prometheusUrl: t.prometheusUrlEnc ? decryptSecret(t.prometheusUrlEnc) : null,
  };
}

/** Operator+: queue a check of the target; returns the stored check row the UI follows. */
export async function checkTarget(actor: Actor, targetId: string): Promise<TargetCheckDto> {
  authorize(actor, 'operator');
  const t = await repo.findTargetRow(targetId);
  if (!t) throw new NotFoundError('Target');
  const checkId = randomUUID();
  const jobId = randomUUID();
  const check = await db().$transaction(async (tx) => {
    const c = await tx.targetCheck.create({ data: { id: checkId, targetId, jobId, createdById: actor.via === 'system' ? null : actor.id } });
    await recordAudit(tx, actor, { action: 'target.check', entityType: 'target', entityId: targetId, after: { checkId } });
    return c;
  });
  try {
    await enqueue('targets.check', { checkId }, { actor, jobId });
  } catch (err) {
    await repo.updateCheck(checkId, { status: 'failed', error: (err as Error).message, finishedAt: new Date() });
    throw err;
  }
  return repo.toCheckDto(check);
}

export async function getTargetCheck(actor: Actor, checkId: string): Promise<TargetCheckDto> {
  authorize(actor, 'viewer');
  const c = await repo.findCheck(checkId);
  if (!c) throw new NotFoundError('Check');
  return repo.toCheckDto(c);
}

/** The targets.check job: four probes, progress after each, result stored on the check row. */
export async function runTargetCheck(checkId: string, ctx: Pick<JobContext, 'progress'>): Promise<CheckResult> {
  const check = await repo.findCheck(checkId);
  if (!check) throw new NotFoundError('Check');
  await repo.updateCheck(checkId, { status: 'running', startedAt: new Date(), progress: 0.05 });
  const step = async (fraction: number, message: string) => {
    await repo.updateCheck(checkId, { progress: fraction });
    await ctx.progress(fraction, message);
  };
  try {
    const conn = await loadTargetConnections(check.targetId);
    await step(0.1, 'Probing base URL');
    const http = await probeHttp(conn.baseUrl);
    await step(0.35, 'Probing Postgres');
    const postgres = await probePostgres(conn.postgresDsn);
    await step(0.6, 'Probing Redis');
    const redis = await probeRedis(conn.redisUrl);
    await step(0.8, 'Probing Prometheus / metrics');
    const prometheus = await probePrometheus(conn.prometheusUrl, conn.baseUrl);
    const result: CheckResult = { http, postgres, redis, prometheus };
    await repo.updateCheck(checkId, { status: 'succeeded', progress: 1, finishedAt: new Date(), result: result as unknown as Prisma.InputJsonValue });
    return result;
  } catch (err) {
    await repo.updateCheck(checkId, { status: 'failed', finishedAt: new Date(), error: (err as Error).message });
    throw err;
  }
}

export async function abandonTargetCheck(checkId: string): Promise<void> {
  await db().targetCheck.updateMany({
    where: { id: checkId, status: { in: ['queued', 'running'] } },
    data: { status: 'failed', error: 'The worker stopped before the check finished', finishedAt: new Date() },
  });
}

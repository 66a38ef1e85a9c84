// The one way into load tests for pages, actions, route handlers, the CLI, workers and the seed.
//   viewers   read scenarios, runs, seconds, exports and k6 scripts
//   operators create/edit/delete scenarios, launch (within their role's caps), stop/abort, pin baselines
// Launches are refused (403, audited) when the scenario's requests would leave the registered target's host or exceed
// the role's caps; a second concurrent run against the same target is refused (409).
import { randomUUID } from 'node:crypto';
import type { Prisma } from '@/prisma/generated/client';
import { recordAudit } from '../audit/service';
import { authorize } from '../auth/authorize';
import type { Actor } from '../auth/roles';
import { db } from '../db';
import { ConflictError, ForbiddenError, NotFoundError, UnavailableError, ValidationError, type FieldErrors } from '../errors';
import { enqueue } from '../jobs/enqueue';
import type { JobContext } from '../jobs/runner';
import { ensureReady, redis } from '../redis';
import { setControl } from './channel';
import { coordinateRun, orphanRun, reapStaleRuns as reap } from './coordinator';
import { CSV_HEADER, secondCsvLines } from './export';
import { exportK6Script } from './k6';
import { checkAllowList, checkCaps } from './limits';
import { distributionPoints, type RunSummary } from './merge';
import * as repo from './repo';
import { scenarioPresets, scenarioSpecSchema, type BaseEndpoint, type ScenarioPreset, type ScenarioSpec } from './schema';
import { runShard } from './shard';
import { isFinished, launchInputSchema, scenarioInputSchema, type LoadRunDto, type RunListItemDto, type RunSecondDto, type ScenarioDto } from './types';

const systemOrUser = (actor: Actor) => (actor.via === 'system' ? null : actor.id);

function specOrThrow(input: unknown): ScenarioSpec {
  const r = scenarioSpecSchema.safeParse(input);
  if (r.success) return r.data;
  const fields: FieldErrors = {};
  for (const i of r.error.issues) fields[i.path.join('.') || 'spec'] ??= i.message;
  throw new ValidationError(`The scenario has ${r.error.issues.length} problem${r.error.issues.length > 1 ? 's' : ''}: see the highlighted fields.`, fields);
}

async function targetOrThrow(targetId: string) {
  const t = await db().target.findUnique({ where: { id: targetId } });
  if (!t) throw new ValidationError('Choose a registered target.', { targetId: 'unknown target' });
  return t;
}

function allowListOrThrow(baseUrl: string, spec: ScenarioSpec): string {
  const allow = checkAllowList(baseUrl, spec);
  if (allow.problems.length) {
    const fields: FieldErrors = {};
    for (const p of allow.problems) fields[p.field] ??= p.message;
    throw new ValidationError(`Requests may only go to the registered target (${allow.host || baseUrl}).`, fields);
  }
  return allow.host;
}

// ─── scenarios ───

export async function listScenarios(actor: Actor, opts: { targetId?: string; name?: string } = {}): Promise<ScenarioDto[]> {
  authorize(actor, 'viewer');
  return repo.findScenarios(opts);
}

export async function getScenario(actor: Actor, id: string): Promise<ScenarioDto> {
  authorize(actor, 'viewer');
  const s = await repo.findScenario(id);
  if (!s) throw new NotFoundError('Scenario');
  return s;
}

/** The presets a new scenario can start from, built around the given endpoints (or a placeholder one). */
export function listPresets(endpoints: BaseEndpoint[] = [{ name: 'home', method: 'GET', path: '/' }]): ScenarioPreset[] {
  return scenarioPresets(endpoints);
}

export async function createScenario(actor: Actor, input: unknown): Promise<ScenarioDto> {
  authorize(actor, 'operator');
  const data = scenarioInputSchema.safeParse(input);
  if (!data.success) throw ValidationError.fromZod(data.error);
  const spec = specOrThrow(data.data.spec);
  const target = await targetOrThrow(data.data.targetId);
  allowListOrThrow(target.baseUrl, spec);
  if (await repo.findScenarioByName(target.id, data.data.name)) {
    throw new ConflictError(`"${data.data.name}" already exists on ${target.name}.`, { name: 'a scenario with this name exists on this target' });
  }
  const id = randomUUID();
  await db().$transaction(async (tx) => {
    await tx.scenario.create({
      data: {
        id,
        targetId: target.id,
        name: data.data.name,
        description: data.data.description || null,
        preset: data.data.preset ?? null,
        spec: spec as unknown as Prisma.InputJsonValue,
        createdById: systemOrUser(actor),
      },
    });
    await recordAudit(tx, actor, { action: 'loadtest.scenario.create', entityType: 'scenario', entityId: id, after: { targetId: target.id, name: data.data.name, spec } });
  });
  return (await repo.findScenario(id))!;
}

export async function updateScenario(actor: Actor, id: string, input: unknown): Promise<ScenarioDto> {
  authorize(actor, 'operator');
  const before = await repo.findScenarioRow(id);
  if (!before) throw new NotFoundError('Scenario');
  const data = scenarioInputSchema.safeParse({ targetId: before.targetId, ...(input as object) });
  if (!data.success) throw ValidationError.fromZod(data.error);
  const spec = specOrThrow(data.data.spec);
  allowListOrThrow(before.target.baseUrl, spec);
  const clash = await repo.findScenarioByName(before.targetId, data.data.name);
  if (clash && clash.id !== id) throw new ConflictError(`"${data.data.name}" already exists on ${before.target.name}.`, { name: 'a scenario with this name exists on this target' });
  await db().$transaction(async (tx) => {
    await tx.scenario.update({
      where: { id },
      data: { name: data.data.name, description: data.data.description || null, preset: data.data.preset ?? before.preset, spec: spec as unknown as Prisma.InputJsonValue },
    });
    await recordAudit(tx, actor, {
      action: 'loadtest.scenario.update',
      entityType: 'scenario',
      entityId: id,
      before: { name: before.name, spec: before.spec },
      after: { name: data.data.name, spec },
    });
  });
  return (await repo.findScenario(id))!;
}

export async function deleteScenario(actor: Actor, id: string): Promise<void> {
  authorize(actor, 'operator');
  const before = await repo.findScenarioRow(id);
  if (!before) throw new NotFoundError('Scenario');
  const active = await db().loadRun.findFirst({ where: { scenarioId: id, status: { in: ['queued', 'running'] } } });
  if (active) throw new ConflictError('This scenario has a run in progress; stop it first.');
  await db().$transaction(async (tx) => {
    await tx.scenario.delete({ where: { id } });
    await recordAudit(tx, actor, { action: 'loadtest.scenario.delete', entityType: 'scenario', entityId: id, before: { targetId: before.targetId, name: before.name, spec: before.spec } });
  });
}

export async function exportK6(actor: Actor, scenarioId: string): Promise<{ filename: string; script: string }> {
  const s = await getScenario(actor, scenarioId);
  const spec = specOrThrow(s.spec);
  const slug = s.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'scenario';
  return { filename: `${slug}.k6.js`, script: exportK6Script(spec, { baseUrl: s.targetBaseUrl, title: `${s.targetName} / ${s.name}` }) };
}

// ─── runs ───

async function auditRefusal(actor: Actor, scenarioId: string, reasons: string[]): Promise<void> {
  await db()
    .$transaction((tx) => recordAudit(tx, actor, { action: 'loadtest.launch.refused', entityType: 'scenario', entityId: scenarioId, after: { reasons } }))
    .catch((err) => console.error(`[loadtest] could not audit a refused launch: ${(err as Error).message}`));
}

/**
 * Operator+: launch a run of a scenario (N shards, default 1). Validates the stored spec, the allow-list and the
 * role's caps; refusals are audited. Returns the queued run; a loadtest.coordinate job takes it from there.
 */
export async function launchRun(actor: Actor, scenarioId: string, input: unknown = {}): Promise<LoadRunDto> {
  try {
    authorize(actor, 'operator');
  } catch (err) {
    if (err instanceof ForbiddenError && actor) await auditRefusal(actor, scenarioId, [err.message]);
    throw err;
  }
  const opts = launchInputSchema.safeParse(input ?? {});
  if (!opts.success) throw ValidationError.fromZod(opts.error);
  const scenario = await repo.findScenarioRow(scenarioId);
  if (!scenario) throw new NotFoundError('Scenario');
  const spec = specOrThrow(scenario.spec);
  const allow = checkAllowList(scenario.target.baseUrl, spec);
  if (allow.problems.length) {
    const reasons = allow.problems.map((p) => `${p.field}: ${p.message}`);
    await auditRefusal(actor, scenarioId, reasons);
    throw new ForbiddenError(`Refused: requests may only go to the registered target ${allow.host || scenario.target.baseUrl}. ${reasons.join('; ')}`);
  }
  const caps = checkCaps(spec, opts.data.shards, actor.role);
  if (caps.length) {
    await auditRefusal(actor, scenarioId, caps);
    throw new ForbiddenError(`Refused: ${caps.join('; ')}.`);
  }
  const runId = randomUUID();
  const jobId = randomUUID();
  await db().$transaction(async (tx) => {
    const active = await repo.findActiveRunForTarget(scenario.targetId, tx);
    if (active) throw new ConflictError(`A run against ${scenario.target.name} is already ${active.status} (run ${active.id}); stop it or wait for it to finish.`);
    await tx.loadRun.create({
      data: {
        id: runId,
        scenarioId,
        targetId: scenario.targetId,
        baseUrl: scenario.target.baseUrl,
        spec: spec as unknown as Prisma.InputJsonValue,
        shardCount: opts.data.shards,
        jobId,
        createdById: systemOrUser(actor),
        stage: 'queued: waiting for a worker',
      },
    });
    await recordAudit(tx, actor, {
      action: 'loadtest.launch',
      entityType: 'load_run',
      entityId: runId,
      after: { scenarioId, scenario: scenario.name, target: scenario.target.name, baseUrl: scenario.target.baseUrl, shards: opts.data.shards },
    });
  });
  try {
    await enqueue('loadtest.coordinate', { runId }, { actor, jobId });
  } catch (err) {
    await repo.transitionRun(runId, ['queued'], { status: 'failed', error: (err as Error).message, finishedAt: new Date() });
    throw err;
  }
  return (await repo.findRunDto(runId))!;
}

/** Operator+: stop (keep what was measured, status "stopped") or abort (status "aborted") a queued or running run. */
export async function stopRun(actor: Actor, runId: string, mode: 'stop' | 'abort' = 'stop'): Promise<LoadRunDto> {
  authorize(actor, 'operator');
  const run = await repo.findRunRow(runId);
  if (!run) throw new NotFoundError('Load run');
  if (isFinished(run.status)) throw new ConflictError(`The run is already ${run.status}.`);
  // The console's shared fast-failing connection: a Redis outage is a quick 503, not a hung button.
  try {
    await ensureReady(redis());
    await setControl(redis(), runId, mode, `by ${actor.email}`);
  } catch (err) {
    throw new UnavailableError(`Redis is unavailable, so the stop could not be sent (${(err as Error).message}).`);
  }
  await db().$transaction(async (tx) => {
    // Still queued: no coordinator to tell yet. It checks the control key (and the status) when it starts.
    await repo.transitionRun(runId, ['queued'], { status: mode === 'abort' ? 'aborted' : 'stopped', finishedAt: new Date(), stage: null }, tx);
    await recordAudit(tx, actor, { action: `loadtest.${mode}`, entityType: 'load_run', entityId: runId, before: { status: run.status } });
  });
  if (run.status === 'running') await repo.updateRun(runId, { stage: 'stopping' }).catch(() => {});
  return (await repo.findRunDto(runId))!;
}

/** Operator+: abort a queued or running run (ends "aborted"; what was measured is kept). */
export function abortRun(actor: Actor, runId: string): Promise<LoadRunDto> {
  return stopRun(actor, runId, 'abort');
}

/** Operator+: make a finished run with recorded seconds the scenario's baseline (later runs are compared with it). */
export async function pinBaseline(actor: Actor, runId: string): Promise<LoadRunDto> {
  authorize(actor, 'operator');
  const run = await repo.findRunRow(runId);
  if (!run) throw new NotFoundError('Load run');
  if (!isFinished(run.status)) throw new ConflictError('Only a finished run can be pinned as the baseline.');
  if (run.lastSecond < 0 || !run.summary) throw new ConflictError('This run recorded nothing, so it cannot serve as a baseline.');
  await db().$transaction(async (tx) => {
    await tx.scenario.update({ where: { id: run.scenarioId }, data: { baselineRunId: runId } });
    await recordAudit(tx, actor, { action: 'loadtest.baseline.pin', entityType: 'scenario', entityId: run.scenarioId, before: { baselineRunId: run.scenario.baselineRunId }, after: { baselineRunId: runId } });
  });
  return (await repo.findRunDto(runId))!;
}

export async function unpinBaseline(actor: Actor, scenarioId: string): Promise<void> {
  authorize(actor, 'operator');
  const s = await repo.findScenarioRow(scenarioId);
  if (!s) throw new NotFoundError('Scenario');
  await db().$transaction(async (tx) => {
    await tx.scenario.update({ where: { id: scenarioId }, data: { baselineRunId: null } });
    await recordAudit(tx, actor, { action: 'loadtest.baseline.unpin', entityType: 'scenario', entityId: scenarioId, before: { baselineRunId: s.baselineRunId } });
  });
}

/** How long a running run may go without a coordinator heartbeat before a reader finalises it (workers do it at 10 s). */
const READ_STALE_MS = 20_000;

export async function getRun(actor: Actor, runId: string): Promise<LoadRunDto> {
  authorize(actor, 'viewer');
  const run = await repo.findRunRow(runId);
  if (!run) throw new NotFoundError('Load run');
  // With no worker left alive to notice, the page someone is looking at must still not claim "running" forever.
  const beat = run.heartbeatAt ?? run.startedAt;
  if (run.status === 'running' && beat && Date.now() - beat.getTime() > READ_STALE_MS) {
    await orphanRun(runId, `the coordinator stopped reporting at ${beat.toISOString()} (no worker left to finish the run?)`).catch(() => null);
  }
  return (await repo.findRunDto(runId))!;
}

export async function listRuns(actor: Actor, opts: { scenarioId?: string; targetId?: string; limit?: number } = {}): Promise<RunListItemDto[]> {
  authorize(actor, 'viewer');
  return repo.findRuns({ scenarioId: opts.scenarioId, targetId: opts.targetId, limit: Math.min(Math.max(opts.limit ?? 20, 1), 200) });
}

/** Merged seconds after `afterSecond` (for live charts and the stream). */
export async function getRunSeconds(actor: Actor, runId: string, afterSecond = -1, limit = 3600): Promise<RunSecondDto[]> {
  authorize(actor, 'viewer');
  return (await repo.findSeconds(runId, afterSecond, Math.min(Math.max(limit, 1), 10_000))).map(repo.mergedToDto);
}

/** Latency distribution (percentile → ms) of the whole run, from its merged histogram. */
export async function getRunDistribution(actor: Actor, runId: string): Promise<{ responseTime: ReturnType<typeof distributionPoints>; serviceTime: ReturnType<typeof distributionPoints> }> {
  authorize(actor, 'viewer');
  const run = await db().loadRun.findUnique({ where: { id: runId }, select: { summary: true } });
  if (!run) throw new NotFoundError('Load run');
  const s = run.summary as unknown as RunSummary | null;
  return { responseTime: s?.hist ? distributionPoints(s.hist) : [], serviceTime: s?.svcHist ? distributionPoints(s.svcHist) : [] };
}

/** CSV of the run's seconds (overall + per endpoint), produced a batch at a time. */
export async function exportRunCsv(actor: Actor, runId: string): Promise<{ filename: string; chunks: AsyncIterable<string> }> {
  const run = await getRun(actor, runId);
  async function* chunks() {
    yield CSV_HEADER;
    let after = -1;
    for (;;) {
      const batch = await repo.findSeconds(runId, after, 300);
      if (!batch.length) return;
      yield batch.map(secondCsvLines).join('');
      after = batch[batch.length - 1].second;
    }
  }
  return { filename: `loadrun-${run.id.slice(0, 8)}.csv`, chunks: chunks() };
}

/** JSON of the run (DTO) and every merged second, including the encoded HDR histograms so others can re-merge. */
export async function exportRunJson(actor: Actor, runId: string): Promise<{ filename: string; chunks: AsyncIterable<string> }> {
  const run = await getRun(actor, runId);
  async function* chunks() {
    yield `{"run":${JSON.stringify(run)},"seconds":[`;
    let after = -1;
    let first = true;
    for (;;) {
      const batch = await repo.findSeconds(runId, after, 300);
      if (!batch.length) break;
      yield (first ? '' : ',') + batch.map((s) => JSON.stringify(s)).join(',');
      first = false;
      after = batch[batch.length - 1].second;
    }
    yield ']}\n';
  }
  return { filename: `loadrun-${run.id.slice(0, 8)}.json`, chunks: chunks() };
}

// ─── job entry points (workers; no actor: the launch was authorised and audited) ───

export function coordinateRunJob(runId: string, ctx: Pick<JobContext, 'workerId' | 'signal' | 'progress'>) {
  return coordinateRun(runId, ctx);
}

export function runShardJob(payload: { runId: string; index: number; count: number }, ctx: Pick<JobContext, 'workerId' | 'signal'>) {
  return runShard(payload, ctx);
}

/** The job layer found the coordinator's job abandoned (its worker died): finalise the run from what was stored. */
export async function abandonCoordinatorJob(runId: string): Promise<void> {
  await orphanRun(runId, 'the coordinator job was abandoned (its worker died)');
}

export async function abandonShardJob(payload: { runId: string; index: number }): Promise<void> {
  await repo.updateShard(payload.runId, payload.index, { status: 'lost', error: 'the shard job was abandoned (its worker died)', finishedAt: new Date() }).catch(() => {});
}

/** Periodic sweep (every worker): finalise runs whose coordinator stopped beating. */
export function reapStaleRuns(): Promise<string[]> {
  return reap();
}

// ─── seed ───

export const LEAD_SEARCH_SCENARIO = 'lead search';

/** The demo target's endpoints: the un-indexed lead search, weighted with a lead detail and the renewal queue. */
export const LEAD_SEARCH_ENDPOINTS: BaseEndpoint[] = [
  { name: 'search', method: 'GET', path: '/api/v1/leads?status=new&created_from=2026-06-01&created_to=2026-08-31', weight: 6 },
  { name: 'detail', method: 'GET', path: '/api/v1/leads/123457', weight: 3 },
  { name: 'policies', method: 'GET', path: '/api/v1/policies?status=active&expiring_before=2027-01-01', weight: 1 },
];

/** Short and modest on purpose: the demo records its baseline with it on a 2-core machine in ~15 s. */
export function leadSearchSpec(): ScenarioSpec {
  return scenarioSpecSchema.parse({
    endpoints: LEAD_SEARCH_ENDPOINTS,
    model: { kind: 'open', rate: 15 },
    stages: [],
    durationSec: 15,
    timeoutMs: 5000,
    maxConnections: 40,
    assertions: [
      { metric: 'p95', op: '<', value: 2000 },
      { metric: 'errorRate', op: '<', value: 0.01, abortOnFail: true },
    ],
  });
}

/** Idempotent: the "lead search" scenario and one scenario per preset on the demo target, where missing. */
export async function ensureSeedScenarios(targetId: string): Promise<number> {
  const wanted: { name: string; description: string; preset: string | null; spec: ScenarioSpec }[] = [
    {
      name: LEAD_SEARCH_SCENARIO,
      description: 'The lead search (status=new, one summer) weighted 6:3:1 with a lead detail and the renewal queue, 15 req/s for 15 s. Slow until leads(status, created_at) exists.',
      preset: null,
      spec: leadSearchSpec(),
    },
    ...scenarioPresets(LEAD_SEARCH_ENDPOINTS).map((p) => ({ name: p.name, description: p.description, preset: p.name, spec: p.spec })),
  ];
  let added = 0;
  for (const w of wanted) {
    const exists = await repo.findScenarioByName(targetId, w.name);
    if (exists) continue;
    await db().scenario.create({ data: { id: randomUUID(), targetId, name: w.name, description: w.description, preset: w.preset, spec: w.spec as unknown as Prisma.InputJsonValue } });
    added++;
  }
  return added;
}

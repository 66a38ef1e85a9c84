'use server';

import { revalidatePath } from 'next/cache';
import type { FormState } from '@/components/ui/form';
import { formObject, formValues, toActionState } from '@/server/action-state';
import { requireActor } from '@/server/auth/session';
import {
  analyzeWorkload,
  approveRecommendation,
  collectNow,
  rejectRecommendation,
  rollbackRecommendation,
  runExplainAnalyze,
  saveCollectorSettings,
} from '@/server/queries/service';

// Thin edges: who is calling → service (which authorizes: operator collects and analyzes, approver decides and runs
// EXPLAIN ANALYZE) → revalidate. Server actions are public POST endpoints: the services check the role every time.

export type JobActionState = FormState & { jobId?: string };

export async function collectNowAction(targetId: string): Promise<JobActionState> {
  const actor = await requireActor();
  let jobId: string | undefined;
  const state = await toActionState(null, async () => {
    jobId = (await collectNow(actor, targetId)).jobId;
  });
  return { ...state, jobId };
}

export async function analyzeAction(targetId: string): Promise<JobActionState> {
  const actor = await requireActor();
  let jobId: string | undefined;
  const state = await toActionState(null, async () => {
    jobId = (await analyzeWorkload(actor, targetId)).jobId ?? undefined;
  });
  if (state.ok) revalidatePath('/queries');
  return { ...state, jobId };
}

export async function approveAction(recommendationId: string): Promise<JobActionState> {
  const actor = await requireActor();
  let jobId: string | undefined;
  const state = await toActionState(null, async () => {
    jobId = (await approveRecommendation(actor, recommendationId)).jobId ?? undefined;
  });
  return { ...state, jobId };
}

export async function rejectAction(recommendationId: string): Promise<JobActionState> {
  const actor = await requireActor();
  const state = await toActionState(null, async () => {
    await rejectRecommendation(actor, recommendationId);
    return { message: 'Rejected.' };
  });
  if (state.ok) revalidatePath('/queries');
  return state;
}

export async function rollbackAction(recommendationId: string): Promise<JobActionState> {
  const actor = await requireActor();
  let jobId: string | undefined;
  const state = await toActionState(null, async () => {
    jobId = (await rollbackRecommendation(actor, recommendationId)).jobId;
  });
  return { ...state, jobId };
}

export async function saveSettingsAction(targetId: string, _prev: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor();
  const state = await toActionState(form, async () => {
    const o = formObject(form);
    await saveCollectorSettings(actor, targetId, { ...o, enabled: o.enabled === 'on' });
    return { message: 'Saved. The collection schedule follows the new interval.' };
  });
  if (state.ok) revalidatePath('/queries');
  return state.ok ? state : { ...state, values: formValues(form) };
}

export async function explainAnalyzeAction(targetId: string, queryid: string, _prev: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor();
  const count = Number(form.get('paramCount') ?? 0);
  const params = Array.from({ length: Number.isInteger(count) && count >= 0 && count <= 100 ? count : 0 }, (_, i) => String(form.get(`p${i + 1}`) ?? ''));
  const state = await toActionState(form, async () => {
    const plan = await runExplainAnalyze(actor, targetId, { queryid, params });
    return { message: `EXPLAIN ANALYZE ran in ${plan.executionMs?.toFixed(2) ?? '?'} ms and was rolled back.`, data: { planId: plan.id } };
  });
  if (state.ok) revalidatePath(`/queries/${targetId}/${queryid}`);
  return state;
}

'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import type { FormState } from '@/components/ui/form';
import { formObject, toActionState } from '@/server/action-state';
import { requireActor } from '@/server/auth/session';
import { checkTarget, createTarget, deleteTarget, updateTarget } from '@/server/targets/service';

// Thin edges: who is calling → service (which authorizes and validates) → revalidate.

export async function createTargetAction(_prev: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor();
  let id: string | undefined;
  const state = await toActionState(form, async () => {
    id = (await createTarget(actor, formObject(form))).id;
  });
  if (state.ok && id) {
    revalidatePath('/targets');
    redirect(`/targets/${id}`);
  }
  return state;
}

export async function updateTargetAction(targetId: string, _prev: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor();
  const state = await toActionState(form, async () => {
    const o = formObject(form);
    await updateTarget(actor, targetId, { ...o, clearPostgresDsn: o.clearPostgresDsn === 'on', clearRedisUrl: o.clearRedisUrl === 'on', clearPrometheusUrl: o.clearPrometheusUrl === 'on' });
    return { message: 'Saved.' };
  });
  if (state.ok) revalidatePath(`/targets/${targetId}`);
  return state;
}

export async function deleteTargetAction(targetId: string): Promise<FormState> {
  const actor = await requireActor();
  const state = await toActionState(null, () => deleteTarget(actor, targetId));
  if (state.ok) {
    revalidatePath('/targets');
    redirect('/targets');
  }
  return state;
}

export async function checkTargetAction(targetId: string): Promise<FormState & { checkId?: string }> {
  const actor = await requireActor();
  let checkId: string | undefined;
  const state = await toActionState(null, async () => {
    checkId = (await checkTarget(actor, targetId)).id;
  });
  return { ...state, checkId };
}

'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import type { FormState } from '@/components/ui/form';
import { toActionState } from '@/server/action-state';
import { requireActor } from '@/server/auth/session';
import { ValidationError } from '@/server/errors';
import { createScenario, deleteScenario, launchRun, pinBaseline, stopRun, updateScenario } from '@/server/loadtest/service';

// Thin edges: who is calling → parse → service (which authorizes: operator for every change; caps and the
// allow-list are checked there too, and refusals are audited).

function payloadOf(form: FormData): unknown {
  try {
    return JSON.parse(String(form.get('payload') ?? '{}'));
  } catch {
    throw new ValidationError('The form could not be read; reload the page and try again.');
  }
}

export async function saveScenarioAction(scenarioId: string | null, _prev: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor();
  let id: string | undefined;
  const state = await toActionState(null, async () => {
    const payload = payloadOf(form);
    id = (scenarioId ? await updateScenario(actor, scenarioId, payload) : await createScenario(actor, payload)).id;
  });
  if (state.ok && id) {
    revalidatePath('/load-tests');
    redirect(`/load-tests/scenarios/${id}`);
  }
  return state;
}

export async function launchRunAction(scenarioId: string, _prev: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor();
  let runId: string | undefined;
  const state = await toActionState(form, async () => {
    runId = (await launchRun(actor, scenarioId, { shards: form.get('shards') ?? 1 })).id;
  });
  if (state.ok && runId) {
    revalidatePath('/load-tests');
    redirect(`/load-tests/runs/${runId}`);
  }
  return state;
}

export async function stopRunAction(runId: string, _prev: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor();
  const mode = form.get('mode') === 'abort' ? 'abort' : 'stop';
  return toActionState(null, async () => {
    await stopRun(actor, runId, mode);
    return { message: mode === 'abort' ? 'Aborting…' : 'Stopping: the shards finish their current second.' };
  });
}

export async function pinBaselineAction(runId: string, _prev: FormState, _form: FormData): Promise<FormState> {
  const actor = await requireActor();
  const state = await toActionState(null, async () => {
    const run = await pinBaseline(actor, runId);
    return { message: `Pinned as the baseline of "${run.scenarioName}": later runs are compared with it.` };
  });
  if (state.ok) revalidatePath(`/load-tests/runs/${runId}`);
  return state;
}

export async function deleteScenarioAction(scenarioId: string, _prev: FormState, _form: FormData): Promise<FormState> {
  const actor = await requireActor();
  const state = await toActionState(null, () => deleteScenario(actor, scenarioId));
  if (state.ok) {
    revalidatePath('/load-tests');
    redirect('/load-tests');
  }
  return state;
}

'use server';

import { revalidatePath } from 'next/cache';
import type { FormState } from '@/components/ui/form';
import { formObject, toActionState } from '@/server/action-state';
import { requireActor } from '@/server/auth/session';
import { createUser, setUserDisabled, updateUserRole } from '@/server/users/service';

export async function createUserAction(_prev: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor();
  const state = await toActionState(form, async () => {
    const u = await createUser(actor, formObject(form));
    return { message: `Created ${u.email} (${u.role}). Share the password with them securely.` };
  });
  if (state.ok) revalidatePath('/settings/users');
  return state;
}

export async function updateRoleAction(userId: string, _prev: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor();
  const state = await toActionState(form, async () => {
    const u = await updateUserRole(actor, userId, { role: form.get('role') });
    return { message: `${u.email} is now ${u.role}.` };
  });
  if (state.ok) revalidatePath('/settings/users');
  return state;
}

export async function toggleDisabledAction(userId: string, disabled: boolean): Promise<void> {
  const actor = await requireActor();
  await toActionState(null, async () => {
    await setUserDisabled(actor, userId, disabled);
  });
  revalidatePath('/settings/users');
}

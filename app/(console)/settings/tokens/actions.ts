'use server';

import { revalidatePath } from 'next/cache';
import type { FormState } from '@/components/ui/form';
import { formObject, toActionState } from '@/server/action-state';
import { requireActor } from '@/server/auth/session';
import { createApiToken, revokeApiToken } from '@/server/users/service';

export async function createTokenAction(_prev: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor();
  const state = await toActionState(form, async () => {
    const { token, dto } = await createApiToken(actor, formObject(form));
    return { message: `Token "${dto.name}" created. Copy it now: it is shown only once.`, data: { token } };
  });
  if (state.ok) revalidatePath('/settings/tokens');
  return state;
}

export async function revokeTokenAction(tokenId: string): Promise<void> {
  const actor = await requireActor();
  await toActionState(null, () => revokeApiToken(actor, tokenId));
  revalidatePath('/settings/tokens');
}

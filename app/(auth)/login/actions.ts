'use server';

import { APIError } from 'better-auth/api';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { auth } from '@/server/auth/auth';
import { isConnectivityError } from '@/server/errors';
import type { FormState } from '@/components/ui/form';

const LoginSchema = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email('Enter the email address you were given')),
  password: z.string().min(1, 'Enter your password'),
  next: z.string().optional(),
});

export async function signIn(_prev: FormState, form: FormData): Promise<FormState> {
  const parsed = LoginSchema.safeParse(Object.fromEntries(form));
  const values = { email: String(form.get('email') ?? '') };
  if (!parsed.success) {
    const fieldErrors = Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message]));
    return { ok: false, fieldErrors, values };
  }
  try {
    await auth().api.signInEmail({ body: { email: parsed.data.email, password: parsed.data.password }, headers: await headers() });
  } catch (err) {
    if (err instanceof APIError) {
      const status = Number(err.statusCode);
      if (status === 429) return { ok: false, message: 'Too many sign-in attempts. Wait a minute and try again.', values };
      return { ok: false, message: 'Wrong email or password, or the account is disabled.', values };
    }
    if (isConnectivityError(err)) return { ok: false, message: 'Perfdeck cannot reach its database right now. Try again shortly.', values };
    console.error('[perfdeck] sign-in failed', err);
    return { ok: false, message: 'Sign-in failed on our side. The error was logged.', values };
  }
  const next = parsed.data.next && /^\/[a-z0-9/_-]*$/i.test(parsed.data.next) ? parsed.data.next : '/overview';
  redirect(next);
}

export async function signOut(): Promise<void> {
  await auth().api.signOut({ headers: await headers() }).catch(() => {});
  redirect('/login');
}

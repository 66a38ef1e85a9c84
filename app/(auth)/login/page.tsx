import type { Metadata } from 'next';
import { ActionForm, Field, SubmitButton } from '@/components/ui/form';
import { signIn } from './actions';

export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-6 text-center">
          <p className="text-2xl font-semibold tracking-tight">
            <span className="text-sky-700">▮</span> Perfdeck
          </p>
          <p className="mt-1 text-sm text-slate-600">Load tests, query insights and web budgets in one console.</p>
        </div>
        <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <h1 className="mb-4 text-lg font-semibold">Sign in</h1>
          <ActionForm action={signIn}>
            <input type="hidden" name="next" value={next ?? ''} />
            <Field name="email" label="Email" type="email" autoComplete="username" required />
            <Field name="password" label="Password" type="password" autoComplete="current-password" required />
            <SubmitButton pendingText="Signing in…">Sign in</SubmitButton>
          </ActionForm>
        </div>
        <p className="mt-4 text-center text-xs text-slate-500">Accounts are created by an admin. `npm run demo` prints the first admin login.</p>
      </div>
    </main>
  );
}

'use client';

import { createContext, useActionState, useContext, useId } from 'react';
import { useFormStatus } from 'react-dom';

// Forms backed by server actions: errors appear beside their fields, and what the user typed is kept on failure.
export interface FormState {
  ok: boolean;
  message?: string;
  fieldErrors?: Record<string, string>;
  values?: Record<string, string>;
  data?: unknown;
}
type Action = (prev: FormState, form: FormData) => Promise<FormState>;

const Ctx = createContext<FormState>({ ok: false });

export function ActionForm({
  action,
  children,
  className = 'space-y-4',
  successMessage,
  render,
}: {
  action: Action;
  children: React.ReactNode;
  className?: string;
  successMessage?: string;
  render?: (state: FormState) => React.ReactNode;
}) {
  const [state, formAction] = useActionState(action, { ok: false });
  return (
    <Ctx value={state}>
      <form action={formAction} className={className} noValidate>
        {children}
        {state.message && !state.ok && (
          <p role="alert" data-testid="form-error" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
            {state.message}
          </p>
        )}
        {state.ok && (state.message || successMessage) && (
          <p role="status" data-testid="form-success" className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
            {state.message ?? successMessage}
          </p>
        )}
        {render?.(state)}
      </form>
    </Ctx>
  );
}

export function Field({
  name,
  label,
  type = 'text',
  defaultValue,
  placeholder,
  hint,
  autoComplete,
  required,
}: {
  name: string;
  label: string;
  type?: string;
  defaultValue?: string;
  placeholder?: string;
  hint?: string;
  autoComplete?: string;
  required?: boolean;
}) {
  const state = useContext(Ctx);
  const uid = useId();
  const error = state.fieldErrors?.[name];
  const value = state.values?.[name] ?? defaultValue;
  return (
    <div>
      <label htmlFor={`f-${name}-${uid}`} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <input
        // remount with the echoed value after a rejected submit
        key={`${name}:${value ?? ''}:${state.message ?? ''}`}
        id={`f-${name}-${uid}`}
        name={name}
        type={type}
        defaultValue={value}
        placeholder={placeholder}
        autoComplete={autoComplete}
        required={required}
        aria-invalid={!!error}
        aria-describedby={error ? `e-${name}-${uid}` : hint ? `h-${name}-${uid}` : undefined}
        className={`mt-1 block w-full rounded-md border px-3 py-1.5 text-sm shadow-sm outline-none focus:ring-2 ${error ? 'border-red-400 focus:ring-red-200' : 'border-slate-300 focus:border-sky-500 focus:ring-sky-200'}`}
      />
      {error ? (
        <p id={`e-${name}-${uid}`} className="mt-1 text-xs text-red-700">
          {error}
        </p>
      ) : (
        hint && (
          <p id={`h-${name}-${uid}`} className="mt-1 text-xs text-slate-500">
            {hint}
          </p>
        )
      )}
    </div>
  );
}

export function Select({ name, label, options, defaultValue, hideLabel }: { name: string; label: string; options: { value: string; label: string }[]; defaultValue?: string; hideLabel?: boolean }) {
  const state = useContext(Ctx);
  const uid = useId();
  const error = state.fieldErrors?.[name];
  return (
    <div>
      <label htmlFor={`f-${name}-${uid}`} className={hideLabel ? 'sr-only' : 'block text-sm font-medium text-slate-700'}>
        {label}
      </label>
      <select
        key={`${state.values?.[name] ?? defaultValue}:${state.message ?? ''}`}
        id={`f-${name}-${uid}`}
        name={name}
        defaultValue={state.values?.[name] ?? defaultValue}
        className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm shadow-sm"
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {error && <p className="mt-1 text-xs text-red-700">{error}</p>}
    </div>
  );
}

export function SubmitButton({ children, pendingText, tone = 'primary', disabled }: { children: React.ReactNode; pendingText?: string; tone?: 'primary' | 'danger' | 'secondary'; disabled?: boolean }) {
  const { pending } = useFormStatus();
  const styles = {
    primary: 'bg-sky-700 text-white hover:bg-sky-800',
    danger: 'bg-red-700 text-white hover:bg-red-800',
    secondary: 'bg-white text-slate-800 ring-1 ring-inset ring-slate-300 hover:bg-slate-50',
  }[tone];
  return (
    <button type="submit" disabled={pending || disabled} className={`inline-flex items-center rounded-md px-3 py-1.5 text-sm font-medium shadow-sm disabled:cursor-not-allowed disabled:opacity-50 ${styles}`}>
      {pending ? (pendingText ?? 'Working…') : children}
    </button>
  );
}

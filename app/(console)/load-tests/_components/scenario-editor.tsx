'use client';

import { useActionState, useId, useState } from 'react';
import { SubmitButton, type FormState } from '@/components/ui/form';
import type { ScenarioSpec } from '@/server/loadtest/schema';
import { applyPreset, draftToSpecInput, specToDraft, syncDuration, type AssertionDraft, type EndpointDraft, type ScenarioDraft } from '@/server/loadtest/scenario-form';

// The scenario editor: start from a preset, then edit endpoints, workload model, stages and assertions. The draft
// lives in this component (so nothing typed is ever lost) and is posted as JSON to a server action; the server
// validates it with the engine's zod schema and every rejected field comes back keyed by its path
// (endpoints.1.weight, model.rate, stages.0.target, …), shown beside the field and listed at the top.

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const METRICS = [
  { value: 'p50', label: 'p50 (ms)' },
  { value: 'p95', label: 'p95 (ms)' },
  { value: 'p99', label: 'p99 (ms)' },
  { value: 'max', label: 'max (ms)' },
  { value: 'errorRate', label: 'error rate (0–1)' },
  { value: 'rps', label: 'req/s' },
];
const OPS = ['<', '<=', '>', '>='];

export interface EditorPreset {
  name: string;
  description: string;
  spec: ScenarioSpec;
}

export interface EditorInitial {
  targetId: string;
  name: string;
  description: string;
  preset: string | null;
  spec: ScenarioSpec;
}

const input = (bad: boolean) =>
  `block w-full rounded-md border px-2 py-1 text-sm shadow-sm outline-none focus:ring-2 ${bad ? 'border-red-400 focus:ring-red-200' : 'border-slate-300 focus:border-sky-500 focus:ring-sky-200'}`;

function Err({ msg, id }: { msg?: string; id?: string }) {
  return msg ? (
    <p id={id} className="mt-0.5 text-xs text-red-700" data-testid="field-error">
      {msg}
    </p>
  ) : null;
}

function Num({ label, value, onChange, error, hint, disabled, width = 'w-28' }: { label: string; value: string; onChange: (v: string) => void; error?: string; hint?: string; disabled?: boolean; width?: string }) {
  const id = useId();
  return (
    <div className={width}>
      <label htmlFor={id} className="block text-xs font-medium text-slate-700">
        {label}
      </label>
      <input
        id={id}
        inputMode="decimal"
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={!!error}
        aria-describedby={error ? `${id}-e` : undefined}
        className={`mt-0.5 ${input(!!error)} disabled:bg-slate-100`}
      />
      <Err msg={error} id={`${id}-e`} />
      {!error && hint && <p className="mt-0.5 text-[11px] text-slate-500">{hint}</p>}
    </div>
  );
}

function RowButton({ onClick, label, children }: { onClick: () => void; label: string; children: React.ReactNode }) {
  return (
    <button type="button" onClick={onClick} aria-label={label} className="rounded px-2 py-1 text-xs text-slate-600 ring-1 ring-inset ring-slate-300 hover:bg-slate-50">
      {children}
    </button>
  );
}

export function ScenarioEditor({
  action,
  targets,
  presets,
  initial,
  fixedTarget,
  submitLabel,
  canEdit,
}: {
  action: (prev: FormState, form: FormData) => Promise<FormState>;
  targets: { id: string; name: string; baseUrl: string }[];
  presets: EditorPreset[];
  initial: EditorInitial;
  fixedTarget: boolean;
  submitLabel: string;
  canEdit: boolean;
}) {
  const [state, formAction] = useActionState(action, { ok: false } as FormState);
  const [targetId, setTargetId] = useState(initial.targetId);
  const [name, setName] = useState(initial.name);
  const [description, setDescription] = useState(initial.description);
  const [preset, setPreset] = useState(initial.preset ?? '');
  const [draft, setDraftRaw] = useState<ScenarioDraft>(() => specToDraft(initial.spec));
  const setDraft = (f: (d: ScenarioDraft) => ScenarioDraft) => setDraftRaw((d) => syncDuration(f(d)));
  const errors = state.fieldErrors ?? {};
  const ids = { target: useId(), name: useId(), desc: useId(), preset: useId() };
  const target = targets.find((t) => t.id === targetId);

  const setEndpoint = (i: number, patch: Partial<EndpointDraft>) => setDraft((d) => ({ ...d, endpoints: d.endpoints.map((e, j) => (j === i ? { ...e, ...patch } : e)) }));
  const setAssertion = (i: number, patch: Partial<AssertionDraft>) => setDraft((d) => ({ ...d, assertions: d.assertions.map((a, j) => (j === i ? { ...a, ...patch } : a)) }));
  const payload = JSON.stringify({ targetId, name, description, ...(preset ? { preset } : {}), spec: draftToSpecInput(draft) });
  const errorList = Object.entries(errors);

  return (
    <form action={formAction} noValidate className="space-y-6" data-testid="scenario-editor">
      <input type="hidden" name="payload" value={payload} />
      {state.message && !state.ok && (
        <div role="alert" data-testid="form-error" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          <p className="font-medium">{state.message}</p>
          {errorList.length > 0 && (
            <ul className="mt-1 list-disc pl-5 text-xs" data-testid="form-errors">
              {errorList.map(([k, v]) => (
                <li key={k}>
                  <span className="font-mono">{k}</span>: {v}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}

      <fieldset disabled={!canEdit} className="space-y-6">
        <section className="grid gap-4 md:grid-cols-2">
          <div>
            <label htmlFor={ids.target} className="block text-sm font-medium text-slate-700">
              Target
            </label>
            <select id={ids.target} value={targetId} disabled={fixedTarget} onChange={(e) => setTargetId(e.target.value)} className={`mt-1 ${input(!!errors.targetId)} bg-white`}>
              {targets.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
            <Err msg={errors.targetId} />
            {target && <p className="mt-1 text-xs text-slate-500">Requests go to {target.baseUrl} + each path; nothing else can be hit.</p>}
          </div>
          <div>
            <label htmlFor={ids.preset} className="block text-sm font-medium text-slate-700">
              Start from a preset
            </label>
            <select
              id={ids.preset}
              value={preset}
              onChange={(e) => {
                const p = presets.find((x) => x.name === e.target.value);
                setPreset(e.target.value);
                if (p) setDraftRaw((d) => applyPreset(d, p.spec));
              }}
              className={`mt-1 ${input(false)} bg-white`}
            >
              <option value="">(custom)</option>
              {presets.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name}
                </option>
              ))}
            </select>
            <p className="mt-1 text-xs text-slate-500">{presets.find((p) => p.name === preset)?.description ?? 'A preset sets the model, stages, duration and assertions; your endpoints stay.'}</p>
          </div>
          <div>
            <label htmlFor={ids.name} className="block text-sm font-medium text-slate-700">
              Scenario name
            </label>
            <input id={ids.name} value={name} onChange={(e) => setName(e.target.value)} aria-invalid={!!errors.name} className={`mt-1 ${input(!!errors.name)}`} />
            <Err msg={errors.name} />
          </div>
          <div>
            <label htmlFor={ids.desc} className="block text-sm font-medium text-slate-700">
              Description <span className="font-normal text-slate-500">(optional)</span>
            </label>
            <input id={ids.desc} value={description} onChange={(e) => setDescription(e.target.value)} className={`mt-1 ${input(!!errors.description)}`} />
            <Err msg={errors.description} />
          </div>
        </section>

        <section>
          <h3 className="text-sm font-semibold text-slate-800">Endpoints</h3>
          <p className="text-xs text-slate-500">Weights are exact (smooth weighted round-robin): 6:3:1 sends exactly 60%, 30% and 10% of the requests.</p>
          <Err msg={errors.endpoints} />
          <div className="mt-2 space-y-3">
            {draft.endpoints.map((e, i) => (
              <div key={i} className="rounded-md border border-slate-200 p-3" data-testid={`endpoint-row-${i}`}>
                <div className="flex flex-wrap items-start gap-2">
                  <div className="w-36">
                    <input aria-label={`Endpoint ${i + 1} name`} placeholder="name" value={e.name} onChange={(ev) => setEndpoint(i, { name: ev.target.value })} className={input(!!errors[`endpoints.${i}.name`])} />
                    <Err msg={errors[`endpoints.${i}.name`]} />
                  </div>
                  <div className="w-28">
                    <select aria-label={`Endpoint ${i + 1} method`} value={e.method} onChange={(ev) => setEndpoint(i, { method: ev.target.value })} className={`${input(!!errors[`endpoints.${i}.method`])} bg-white`}>
                      {METHODS.map((m) => (
                        <option key={m}>{m}</option>
                      ))}
                    </select>
                    <Err msg={errors[`endpoints.${i}.method`]} />
                  </div>
                  <div className="min-w-64 flex-1">
                    <input aria-label={`Endpoint ${i + 1} path`} placeholder="/path?query" value={e.path} onChange={(ev) => setEndpoint(i, { path: ev.target.value })} className={`${input(!!errors[`endpoints.${i}.path`])} font-mono`} />
                    <Err msg={errors[`endpoints.${i}.path`]} />
                  </div>
                  <div className="w-20">
                    <input aria-label={`Endpoint ${i + 1} weight`} inputMode="numeric" value={e.weight} onChange={(ev) => setEndpoint(i, { weight: ev.target.value })} className={input(!!errors[`endpoints.${i}.weight`])} />
                    <Err msg={errors[`endpoints.${i}.weight`]} />
                  </div>
                  <RowButton label={`Remove endpoint ${i + 1}`} onClick={() => setDraft((d) => ({ ...d, endpoints: d.endpoints.filter((_, j) => j !== i) }))}>
                    Remove
                  </RowButton>
                </div>
                <details className="mt-2" open={!!(e.headers || e.body || errors[`endpoints.${i}.headers`] || errors[`endpoints.${i}.body`])}>
                  <summary className="cursor-pointer text-xs text-slate-600">Headers and JSON body</summary>
                  <div className="mt-2 grid gap-2 md:grid-cols-2">
                    <div>
                      <textarea aria-label={`Endpoint ${i + 1} headers`} placeholder={'Name: value (one per line)'} rows={2} value={e.headers} onChange={(ev) => setEndpoint(i, { headers: ev.target.value })} className={`${input(!!errors[`endpoints.${i}.headers`])} font-mono`} />
                      <Err msg={errors[`endpoints.${i}.headers`]} />
                    </div>
                    <div>
                      <textarea aria-label={`Endpoint ${i + 1} body`} placeholder={'{"n": {{seq}}}'} rows={2} value={e.body} onChange={(ev) => setEndpoint(i, { body: ev.target.value })} className={`${input(!!errors[`endpoints.${i}.body`])} font-mono`} />
                      <Err msg={errors[`endpoints.${i}.body`]} />
                    </div>
                  </div>
                </details>
              </div>
            ))}
          </div>
          <div className="mt-2">
            <RowButton label="Add endpoint" onClick={() => setDraft((d) => ({ ...d, endpoints: [...d.endpoints, { name: `ep${d.endpoints.length + 1}`, method: 'GET', path: '/', weight: '1', headers: '', body: '' }] }))}>
              + Add endpoint
            </RowButton>
          </div>
        </section>

        <section>
          <h3 className="text-sm font-semibold text-slate-800">Workload</h3>
          <div className="mt-2 flex flex-wrap items-start gap-4">
            <fieldset className="text-sm">
              <legend className="sr-only">Workload model</legend>
              <label className="mr-4 inline-flex items-center gap-1.5">
                <input type="radio" name="kind-radio" checked={draft.kind === 'open'} onChange={() => setDraft((d) => ({ ...d, kind: 'open' }))} /> Open (arrival rate)
              </label>
              <label className="inline-flex items-center gap-1.5">
                <input type="radio" name="kind-radio" checked={draft.kind === 'closed'} onChange={() => setDraft((d) => ({ ...d, kind: 'closed' }))} /> Closed (virtual users)
              </label>
              <p className="mt-1 max-w-sm text-[11px] text-slate-500">
                {draft.kind === 'open'
                  ? 'Requests start on schedule whatever the server does, so stalls show up in the latency (coordinated-omission correct).'
                  : 'Each user waits for its response, then thinks: the schedule follows the server, so a stall is counted once per user.'}
              </p>
            </fieldset>
            {draft.kind === 'open' ? (
              <Num label="Rate (req/s)" value={draft.rate} onChange={(v) => setDraft((d) => ({ ...d, rate: v }))} error={errors['model.rate'] ?? errors.model} hint="start rate when there are stages" />
            ) : (
              <>
                <Num label="Virtual users" value={draft.vus} onChange={(v) => setDraft((d) => ({ ...d, vus: v }))} error={errors['model.vus'] ?? errors.model} />
                <Num label="Think time (ms)" value={draft.thinkTimeMs} onChange={(v) => setDraft((d) => ({ ...d, thinkTimeMs: v }))} error={errors['model.thinkTimeMs']} />
              </>
            )}
            <Num
              label="Duration (s)"
              value={draft.durationSec}
              onChange={(v) => setDraft((d) => ({ ...d, durationSec: v }))}
              error={errors.durationSec}
              disabled={draft.stages.length > 0}
              hint={draft.stages.length ? 'sum of the stages' : undefined}
            />
            <Num label="Timeout (ms)" value={draft.timeoutMs} onChange={(v) => setDraft((d) => ({ ...d, timeoutMs: v }))} error={errors.timeoutMs} />
            <Num label="Max connections" value={draft.maxConnections} onChange={(v) => setDraft((d) => ({ ...d, maxConnections: v }))} error={errors.maxConnections} hint={draft.kind === 'open' ? 'beyond it, requests are dropped' : undefined} />
          </div>
        </section>

        <section>
          <h3 className="text-sm font-semibold text-slate-800">Stages</h3>
          <p className="text-xs text-slate-500">
            Each stage ramps linearly from the previous target ({draft.kind === 'open' ? 'the first from the rate above' : 'the first from the users above'}) to its own. No stages: constant for the duration.
          </p>
          <Err msg={errors.stages} />
          <div className="mt-2 space-y-2">
            {draft.stages.map((s, i) => (
              <div key={i} className="flex flex-wrap items-start gap-2" data-testid={`stage-row-${i}`}>
                <span className="w-16 pt-5 text-xs text-slate-500">stage {i + 1}</span>
                <Num label="Duration (s)" value={s.durationSec} onChange={(v) => setDraft((d) => ({ ...d, stages: d.stages.map((x, j) => (j === i ? { ...x, durationSec: v } : x)) }))} error={errors[`stages.${i}.durationSec`]} />
                <Num label={draft.kind === 'open' ? 'Target (req/s)' : 'Target (VUs)'} value={s.target} onChange={(v) => setDraft((d) => ({ ...d, stages: d.stages.map((x, j) => (j === i ? { ...x, target: v } : x)) }))} error={errors[`stages.${i}.target`]} />
                <div className="pt-4">
                  <RowButton label={`Remove stage ${i + 1}`} onClick={() => setDraft((d) => ({ ...d, stages: d.stages.filter((_, j) => j !== i) }))}>
                    Remove
                  </RowButton>
                </div>
              </div>
            ))}
          </div>
          <div className="mt-2">
            <RowButton label="Add stage" onClick={() => setDraft((d) => ({ ...d, stages: [...d.stages, { durationSec: '10', target: d.kind === 'open' ? d.rate : d.vus }] }))}>
              + Add stage
            </RowButton>
          </div>
        </section>

        <section>
          <h3 className="text-sm font-semibold text-slate-800">Assertions</h3>
          <p className="text-xs text-slate-500">Latency is judged on the response time (from the intended start). Abort-on-fail stops the run as soon as it fails (after 5 s and 100 responses).</p>
          <Err msg={errors.assertions} />
          <div className="mt-2 space-y-2">
            {draft.assertions.map((a, i) => (
              <div key={i} className="flex flex-wrap items-start gap-2" data-testid={`assertion-row-${i}`}>
                <div className="w-40">
                  <select aria-label={`Assertion ${i + 1} metric`} value={a.metric} onChange={(ev) => setAssertion(i, { metric: ev.target.value })} className={`${input(!!errors[`assertions.${i}.metric`])} bg-white`}>
                    {METRICS.map((m) => (
                      <option key={m.value} value={m.value}>
                        {m.label}
                      </option>
                    ))}
                  </select>
                  <Err msg={errors[`assertions.${i}.metric`]} />
                </div>
                <div className="w-40">
                  <select aria-label={`Assertion ${i + 1} endpoint`} value={a.endpoint} onChange={(ev) => setAssertion(i, { endpoint: ev.target.value })} className={`${input(!!errors[`assertions.${i}.endpoint`])} bg-white`}>
                    <option value="">whole run</option>
                    {[...new Set([...draft.endpoints.map((e) => e.name), ...(a.endpoint ? [a.endpoint] : [])])].map((n) => (
                      <option key={n} value={n}>
                        {n}
                      </option>
                    ))}
                  </select>
                  <Err msg={errors[`assertions.${i}.endpoint`]} />
                </div>
                <div className="w-16">
                  <select aria-label={`Assertion ${i + 1} operator`} value={a.op} onChange={(ev) => setAssertion(i, { op: ev.target.value })} className={`${input(false)} bg-white`}>
                    {OPS.map((o) => (
                      <option key={o}>{o}</option>
                    ))}
                  </select>
                </div>
                <div className="w-28">
                  <input aria-label={`Assertion ${i + 1} value`} inputMode="decimal" value={a.value} onChange={(ev) => setAssertion(i, { value: ev.target.value })} className={input(!!errors[`assertions.${i}.value`])} />
                  <Err msg={errors[`assertions.${i}.value`]} />
                </div>
                <label className="inline-flex items-center gap-1.5 pt-1.5 text-xs text-slate-700">
                  <input type="checkbox" checked={a.abortOnFail} onChange={(ev) => setAssertion(i, { abortOnFail: ev.target.checked })} /> abort on fail
                </label>
                <RowButton label={`Remove assertion ${i + 1}`} onClick={() => setDraft((d) => ({ ...d, assertions: d.assertions.filter((_, j) => j !== i) }))}>
                  Remove
                </RowButton>
              </div>
            ))}
          </div>
          <div className="mt-2">
            <RowButton label="Add assertion" onClick={() => setDraft((d) => ({ ...d, assertions: [...d.assertions, { metric: 'p95', endpoint: '', op: '<', value: '500', abortOnFail: false }] }))}>
              + Add assertion
            </RowButton>
          </div>
        </section>
      </fieldset>

      <div className="flex items-center gap-3 border-t border-slate-100 pt-4">
        <SubmitButton disabled={!canEdit} pendingText="Saving…">
          {submitLabel}
        </SubmitButton>
        {!canEdit && <span className="text-xs text-slate-600">Viewers can read scenarios; changing them needs the operator role.</span>}
      </div>
    </form>
  );
}

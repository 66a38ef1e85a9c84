import type { CheckResult, CheckStep } from '@/server/targets/schema';

// Plain component (no hooks): rendered on the server for stored checks and on the client for live ones.
function Step({ name, step }: { name: string; step: CheckStep }) {
  const icon = step.skipped ? '–' : step.ok ? '✓' : '✗';
  const color = step.skipped ? 'text-slate-400' : step.ok ? 'text-emerald-700' : 'text-red-700';
  return (
    <li className="py-2">
      <p className="text-sm">
        <span className={`mr-2 font-bold ${color}`} aria-hidden>
          {icon}
        </span>
        <span className="font-medium">{name}</span>: <span className="text-slate-700">{step.summary}</span>
      </p>
      {step.fixes && step.fixes.length > 0 && (
        <ul className="ml-6 mt-1 list-disc text-xs text-amber-800">
          {step.fixes.map((f) => (
            <li key={f}>
              <code>{f}</code>
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

export function CheckResultView({ result }: { result: CheckResult }) {
  return (
    <ul className="divide-y divide-slate-100" data-testid="check-result">
      <Step name="Base URL" step={result.http} />
      <Step name="Postgres" step={result.postgres} />
      <Step name="Redis" step={result.redis} />
      <Step name="Prometheus / metrics" step={result.prometheus} />
    </ul>
  );
}

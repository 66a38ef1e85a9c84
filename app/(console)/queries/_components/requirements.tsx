import { Notice } from '@/components/ui/card';
import type { InspectionDto } from '@/server/queries/schema';

// What the target lacks for collection and the advisor, each with the exact fix the inspection produced.
export function Requirements({ inspection, inspectedAt, lastError }: { inspection: InspectionDto | null; inspectedAt: string | null; lastError: string | null }) {
  if (!inspection) {
    return (
      <Notice tone={lastError ? 'error' : 'info'}>
        {lastError ? (
          <span data-testid="collector-error">Last collection failed: {lastError}</span>
        ) : (
          <>Not inspected yet: the first collection checks pg_stat_statements, HypoPG and the role&apos;s rights and says what is missing.</>
        )}
      </Notice>
    );
  }
  const missing = inspection.requirements.filter((r) => !r.ok);
  const required = missing.filter((r) => r.required);
  const optional = missing.filter((r) => !r.required);
  return (
    <div className="space-y-2" data-testid="requirements">
      {lastError && (
        <Notice tone="error">
          <span data-testid="collector-error">Last collection failed: {lastError}</span>
        </Notice>
      )}
      {required.length === 0 ? (
        <Notice tone="ok">
          Ready: PostgreSQL {inspection.serverVersion}, database <code>{inspection.database}</code> as <code>{inspection.role}</code>; pg_stat_statements
          preloaded and created{inspection.ready.advise ? ', HypoPG created' : ''}.
          {inspectedAt && <span className="text-xs"> Checked {inspectedAt.slice(0, 16).replace('T', ' ')} UTC.</span>}
        </Notice>
      ) : (
        <Notice tone="error">
          <p className="font-medium">This target is missing what {inspection.ready.collect ? 'the index advisor' : 'collection'} needs:</p>
          <ul className="mt-1 space-y-1">
            {required.map((r) => (
              <li key={r.name} data-testid="requirement-missing">
                <span className="font-medium">{r.name}</span>: {r.detail}
                {r.fix && (
                  <pre className="mt-0.5 whitespace-pre-wrap break-all rounded bg-white/70 px-2 py-1 font-mono text-xs">{r.fix}</pre>
                )}
              </li>
            ))}
          </ul>
        </Notice>
      )}
      {optional.length > 0 && (
        <details className="text-xs text-slate-600">
          <summary className="cursor-pointer">Optional: {optional.map((r) => r.name.replace(' (optional)', '')).join(', ')}</summary>
          <ul className="mt-1 space-y-1 pl-4">
            {optional.map((r) => (
              <li key={r.name}>
                {r.name}: {r.detail}
                {r.fix && <pre className="mt-0.5 whitespace-pre-wrap break-all rounded bg-slate-100 px-2 py-1 font-mono">{r.fix}</pre>}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

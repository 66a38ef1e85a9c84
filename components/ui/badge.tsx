const TONES = {
  ok: 'bg-emerald-50 text-emerald-800 ring-emerald-600/20',
  warn: 'bg-amber-50 text-amber-800 ring-amber-600/20',
  error: 'bg-red-50 text-red-800 ring-red-600/20',
  info: 'bg-sky-50 text-sky-800 ring-sky-600/20',
  muted: 'bg-slate-100 text-slate-700 ring-slate-500/20',
} as const;
export type Tone = keyof typeof TONES;

export function Badge({ tone = 'muted', children, title }: { tone?: Tone; children: React.ReactNode; title?: string }) {
  return (
    <span title={title} className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${TONES[tone]}`}>
      {children}
    </span>
  );
}

/** Maps the status words used across Perfdeck (jobs, runs, checks, recommendations) to a tone. */
export function statusTone(status: string): Tone {
  if (['ok', 'succeeded', 'passed', 'applied', 'improved', 'healthy', 'pass'].includes(status)) return 'ok';
  if (['failed', 'down', 'error', 'regressed', 'abandoned', 'fail', 'rejected', 'did_not_help'].includes(status)) return 'error';
  if (['running', 'queued', 'applying', 'approved', 'proposed'].includes(status)) return 'info';
  if (['partial', 'degraded', 'warn', 'stopped', 'rolled_back'].includes(status)) return 'warn';
  return 'muted';
}

export function StatusBadge({ status }: { status: string }) {
  return <Badge tone={statusTone(status)}>{status.replace(/_/g, ' ')}</Badge>;
}

// Server-rendered timestamps in UTC ISO-like form: identical on server and client, so no hydration mismatch.
export function Time({ iso, fallback = '—' }: { iso: string | null | undefined; fallback?: string }) {
  if (!iso) return <span className="text-slate-400">{fallback}</span>;
  const d = new Date(iso);
  return (
    <time dateTime={iso} title={iso} className="tabular-nums">
      {d.toISOString().slice(0, 16).replace('T', ' ')} UTC
    </time>
  );
}

export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const s = Math.round((now - new Date(iso).getTime()) / 1000);
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86400) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86400)}d ago`;
}

export function ProgressBar({ value, label }: { value: number; label?: string }) {
  const pct = Math.round(Math.min(1, Math.max(0, value)) * 100);
  return (
    <div className="w-full">
      <div
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-label={label ?? 'Progress'}
        className="h-2 w-full overflow-hidden rounded-full bg-slate-200"
      >
        <div className="h-full rounded-full bg-sky-600 transition-[width] duration-300" style={{ width: `${pct}%` }} />
      </div>
      {label && (
        <p className="mt-1 text-xs text-slate-600">
          {label} · {pct}%
        </p>
      )}
    </div>
  );
}

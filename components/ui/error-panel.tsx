'use client';

export function DependencyErrorPanel({ digest, reset }: { digest?: string; reset: () => void }) {
  return (
    <div role="alert" className="mx-auto mt-16 max-w-lg rounded-lg border border-amber-200 bg-amber-50 p-6 text-amber-900">
      <h1 className="text-lg font-semibold">Dependency unavailable</h1>
      <p className="mt-2 text-sm">
        This page could not load its data. Usually Postgres or Redis is unreachable; check{' '}
        <a className="underline" href="/api/health">
          /api/health
        </a>
        . Perfdeck reconnects automatically when they are back.
      </p>
      {digest && <p className="mt-2 font-mono text-xs text-amber-700">Reference: {digest}</p>}
      <button onClick={reset} className="mt-4 rounded-md bg-amber-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-amber-800">
        Try again
      </button>
    </div>
  );
}

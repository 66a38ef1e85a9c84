'use client';

import { DependencyErrorPanel } from '@/components/ui/error-panel';

// A console page could not load (typically Postgres or Redis is down). Retrying re-renders; no restart needed.
export default function ConsoleError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <DependencyErrorPanel digest={error.digest} reset={reset} />;
}

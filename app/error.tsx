'use client';

import { DependencyErrorPanel } from '@/components/ui/error-panel';

// Catches failures in the console layout itself (e.g. the session lookup when Postgres is down).
export default function RootError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <DependencyErrorPanel digest={error.digest} reset={reset} />;
}

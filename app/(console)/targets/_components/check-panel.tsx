'use client';

import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { ProgressBar } from '@/components/ui/progress';
import { QueryProvider } from '@/components/ui/query-provider';
import type { TargetCheckDto } from '@/server/targets/schema';
import { checkTargetAction } from '../actions';
import { CheckResultView } from './check-result';

const FINAL = ['succeeded', 'failed', 'abandoned'];

function LiveCheck({ checkId, onDone }: { checkId: string; onDone: () => void }) {
  const { data, error } = useQuery({
    queryKey: ['target-check', checkId],
    queryFn: async () => {
      const res = await fetch(`/api/v1/target-checks/${checkId}`, { cache: 'no-store' });
      if (!res.ok) throw new Error((await res.json().catch(() => ({}))).error ?? `HTTP ${res.status}`);
      const dto = (await res.json()) as TargetCheckDto;
      if (FINAL.includes(dto.status)) onDone();
      return dto;
    },
    refetchInterval: (q) => (q.state.data && FINAL.includes(q.state.data.status) ? false : 700),
  });
  if (error) return <p className="text-sm text-red-700">Could not follow the check: {(error as Error).message}</p>;
  if (!data) return <ProgressBar value={0} label="Queued" />;
  if (!FINAL.includes(data.status)) return <ProgressBar value={data.progress} label={data.status === 'queued' ? 'Queued, waiting for a worker' : 'Checking'} />;
  if (data.status !== 'succeeded') return <p role="alert" className="text-sm text-red-700">Check {data.status}: {data.error}</p>;
  return data.result ? <CheckResultView result={data.result} /> : null;
}

export function CheckPanel({ targetId, canRun }: { targetId: string; canRun: boolean }) {
  const [checkId, setCheckId] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const router = useRouter();
  return (
    <QueryProvider>
      <div className="space-y-3">
        <div className="flex items-center gap-3">
          <button
            type="button"
            disabled={!canRun || pending}
            title={canRun ? undefined : 'Operators and above can run checks'}
            onClick={() =>
              start(async () => {
                setMessage(null);
                const r = await checkTargetAction(targetId);
                if (r.ok && r.checkId) setCheckId(r.checkId);
                else setMessage(r.message ?? 'Could not start the check.');
              })
            }
            className="rounded-md bg-sky-700 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-sky-800 disabled:cursor-not-allowed disabled:opacity-50"
          >
            {pending ? 'Queuing…' : 'Check target'}
          </button>
          {!canRun && <span className="text-xs text-slate-500">Viewers cannot run checks.</span>}
        </div>
        {message && (
          <p role="alert" data-testid="check-error" className="text-sm text-red-700">
            {message}
          </p>
        )}
        {checkId && <LiveCheck key={checkId} checkId={checkId} onDone={() => router.refresh()} />}
      </div>
    </QueryProvider>
  );
}

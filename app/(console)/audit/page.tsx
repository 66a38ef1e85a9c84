import type { Metadata } from 'next';
import Link from 'next/link';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { Table, Td } from '@/components/ui/table';
import { Time } from '@/components/ui/time';
import { listAudit } from '@/server/audit/service';
import { roleAtLeast } from '@/server/auth/roles';
import { requireActor } from '@/server/auth/session';
import { AdminOnly } from '../_components/admin-only';

export const metadata: Metadata = { title: 'Audit log' };

function Json({ value }: { value: unknown }) {
  if (value == null) return <span className="text-slate-400">—</span>;
  return <pre className="max-h-32 max-w-md overflow-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-1 font-mono text-[11px] text-slate-700">{JSON.stringify(value, null, 1)}</pre>;
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<{ before?: string }> }) {
  const actor = await requireActor();
  if (!roleAtLeast(actor.role, 'admin')) return <AdminOnly title="Audit log" role={actor.role} />;
  const { before } = await searchParams;
  const { rows, nextBeforeId } = await listAudit(actor, { beforeId: before, limit: 50 });
  return (
    <>
      <PageHeader title="Audit log" description="Every mutation: who, what, when, and the before/after state (secrets removed)." />
      <Card>
        {rows.length === 0 ? (
          <EmptyState title="Nothing recorded yet" />
        ) : (
          <Table head={['When', 'Who', 'Action', 'Entity', 'Before', 'After']}>
            {rows.map((r) => (
              <tr key={r.id}>
                <Td className="whitespace-nowrap text-xs">
                  <Time iso={r.at} />
                </Td>
                <Td className="text-xs">{r.actorEmail}</Td>
                <Td className="font-mono text-xs">{r.action}</Td>
                <Td className="text-xs">
                  {r.entityType}
                  <br />
                  <span className="font-mono text-[10px] text-slate-500">{r.entityId}</span>
                </Td>
                <Td>
                  <Json value={r.before} />
                </Td>
                <Td>
                  <Json value={r.after} />
                </Td>
              </tr>
            ))}
          </Table>
        )}
        {nextBeforeId && (
          <Link className="mt-4 inline-block text-sm text-sky-800 underline" href={`/audit?before=${nextBeforeId}`}>
            Older entries →
          </Link>
        )}
      </Card>
    </>
  );
}

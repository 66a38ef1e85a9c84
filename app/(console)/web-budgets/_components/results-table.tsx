import { Badge } from '@/components/ui/badge';
import { Table, Td } from '@/components/ui/table';
import { Time } from '@/components/ui/time';
import type { BoardRow } from '@/server/webvitals/board';
import type { MetricKey } from '@/server/webvitals/compare';
import { fmtMetric, shortSha } from './format';

const COLUMNS: { key: MetricKey; label: string; limit: 'min' | 'max' }[] = [
  { key: 'score', label: 'Score', limit: 'min' },
  { key: 'lcpMs', label: 'LCP', limit: 'max' },
  { key: 'cls', label: 'CLS', limit: 'max' },
  { key: 'tbtMs', label: 'TBT', limit: 'max' },
  { key: 'scriptBytes', label: 'Script', limit: 'max' },
];

// Server-rendered: a breach is a red cell that names the limit it broke, so the table reads without hovering.
function MetricCell({ row, col }: { row: BoardRow; col: (typeof COLUMNS)[number] }) {
  const failure = row.failed[col.key];
  const value = fmtMetric(col.key, row.result[col.key]);
  if (!failure) return <Td className="tabular-nums">{value}</Td>;
  return (
    <Td className="bg-red-50 tabular-nums text-red-800">
      <span className="font-semibold" title={failure.message}>
        {row.result[col.key] == null ? 'not measured' : value}
      </span>
      <span className="block text-[11px] text-red-700" data-testid="breached-limit">
        {col.limit === 'min' ? 'min' : 'max'} {fmtMetric(col.key, failure.expected)}
      </span>
    </Td>
  );
}

export function ResultsTable({ rows }: { rows: BoardRow[] }) {
  return (
    <Table head={['Page', ...COLUMNS.map((c) => c.label), 'Budget', 'Run']}>
      {rows.map((row) => (
        <tr key={row.result.id} data-testid={`result-${row.result.formFactor}-${row.result.page}`}>
          <Td className="font-mono text-xs font-medium">{row.result.page}</Td>
          {COLUMNS.map((c) => (
            <MetricCell key={c.key} row={row} col={c} />
          ))}
          <Td className="text-xs">
            {row.pass ? <Badge tone="ok">pass</Badge> : <Badge tone="error">fail</Badge>}
            <span className="mt-0.5 block font-mono text-[11px] text-slate-500">{row.budget ? row.budget.pagePattern : 'no budget'}</span>
            {row.recordedPass !== null && (
              <span className="block text-[11px] text-amber-700">{row.recordedPass ? 'passed' : 'failed'} the budgets of its day</span>
            )}
          </Td>
          <Td className="whitespace-nowrap text-xs text-slate-600">
            <span className="font-mono">{shortSha(row.commitSha) ?? 'no commit'}</span> · {row.result.formFactor}
            <span className="block text-[11px]">
              <Time iso={row.result.createdAt} />
            </span>
            <a className="text-[11px] text-sky-800 hover:underline" href={`/api/v1/web-budgets/results/${row.result.id}/report`} target="_blank" rel="noreferrer">
              report JSON
            </a>
          </Td>
        </tr>
      ))}
    </Table>
  );
}

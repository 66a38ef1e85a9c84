// perfdeck advise --dsn <postgres url> [--budget-indexes N] [--json] …
// Prints index recommendations (and drop suggestions) for a database. Read-only: never creates or drops anything.
// With --json, stdout's last (and only) line is one JSON object.
import { parseArgs } from 'node:util';
import { adviseDatabase, AdvisorNotReadyError, type AdviseResult } from '../../server/queries/advisor';
import { TargetError, checkDsn } from '../../server/queries/connection';
import { fmtBytes } from '../../server/queries/select';

const HELP = `usage: perfdeck advise --dsn <postgresql://…> [options]

  --dsn URL               target database (required)
  --budget-indexes N      most indexes to recommend (default 10)
  --max-per-table N       most new indexes per table (default 3)
  --max-bytes N           total size budget for new indexes, in bytes
  --min-calls N           ignore statements called fewer times (default 1)
  --window-seconds N      period the statistics cover (default: since pg_stat_statements was reset)
  --statement-timeout-ms  per EXPLAIN / catalog read (default 10000)
  --no-hygiene            no duplicate / unused / invalid index drops
  --json                  print one JSON object (the last line of stdout)

Exit codes: 0 done, 2 bad arguments, unreachable database or missing extensions, 1 unexpected error.`;

function intOpt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new TargetError(`--${name} must be a non-negative number, got "${v}"`, 'bad_dsn');
  return n;
}

export function toJson(r: AdviseResult) {
  return {
    recommendations: r.recommendations.map((x) => ({
      table: x.table,
      columns: x.columns,
      include: x.include,
      where: x.where,
      method: x.method,
      ddl: x.ddl,
      estimatedCostReductionPct: Math.round(x.estimatedCostReductionPct * 10) / 10,
      schema: x.schema,
      name: x.name,
      estimatedSizeBytes: x.estimatedSizeBytes,
      estimatedTimeSavedMsPerDay: Math.round(x.estimatedTimeSavedMsPerDay),
      queries: x.queries.length,
    })),
    drops: r.drops.map((d) => ({ index: d.index, reason: d.reason, schema: d.schema, table: d.table, kind: d.kind, ddl: d.ddl })),
  };
}

function printHuman(r: AdviseResult) {
  const out: string[] = [];
  out.push(
    `${r.inspection.database} (PostgreSQL ${r.inspection.serverVersion}): ${r.analyzedQueries} statements analyzed, ` +
      `${r.candidatesEvaluated} candidate indexes costed with HypoPG, ${r.skipped.length} skipped`,
  );
  for (const w of r.inspection.warnings) out.push(`warning: ${w}`);
  if (r.recommendations.length === 0) out.push('\nNo index recommendations.');
  r.recommendations.forEach((x, i) => {
    out.push('');
    out.push(`${i + 1}. ${x.ddl};`);
    out.push(
      `   −${x.estimatedCostReductionPct.toFixed(1)}% planner cost on ${x.queries.length} quer${x.queries.length === 1 ? 'y' : 'ies'}, ` +
        `~${(x.estimatedTimeSavedMsPerDay / 1000).toFixed(1)} s/day saved, ${fmtBytes(x.estimatedSizeBytes)}, ` +
        `write overhead ~${(x.writeOverheadMsPerDay / 1000).toFixed(1)} s/day`,
    );
    for (const q of x.queries.slice(0, 3)) {
      out.push(`   - ${q.query.replace(/\s+/g, ' ').slice(0, 110)}  (cost ${q.costBefore.toFixed(0)} → ${q.costAfter.toFixed(0)})`);
    }
    for (const w of x.whyNotOthers.slice(0, 3)) out.push(`   · ${w}`);
  });
  if (r.unverified.length) {
    out.push('\nNot checked by the planner (HypoPG cannot simulate these):');
    for (const u of r.unverified) out.push(`   ${u.ddl};  -- ${u.reason}`);
  }
  if (r.drops.length) {
    out.push('\nIndexes to drop:');
    for (const d of r.drops) out.push(`   ${d.ddl};  -- ${d.kind}: ${d.reason}`);
  }
  if (r.skipped.length) {
    out.push('\nSkipped statements:');
    for (const s of r.skipped.slice(0, 10)) out.push(`   ${s.reason}: ${s.query.replace(/\s+/g, ' ').slice(0, 90)}`);
    if (r.skipped.length > 10) out.push(`   … and ${r.skipped.length - 10} more`);
  }
  console.log(out.join('\n'));
}

export async function run(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        dsn: { type: 'string' },
        'budget-indexes': { type: 'string' },
        'max-per-table': { type: 'string' },
        'max-bytes': { type: 'string' },
        'min-calls': { type: 'string' },
        'window-seconds': { type: 'string' },
        'statement-timeout-ms': { type: 'string' },
        'no-hygiene': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    console.error(`perfdeck advise: ${(err as Error).message}`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  try {
    if (!values.dsn) throw new TargetError('--dsn is required (postgresql://user@host:port/database)', 'bad_dsn');
    checkDsn(values.dsn);
    const result = await adviseDatabase(values.dsn, {
      budgetIndexes: intOpt('budget-indexes', values['budget-indexes']),
      maxIndexesPerTable: intOpt('max-per-table', values['max-per-table']),
      maxTotalBytes: intOpt('max-bytes', values['max-bytes']),
      minCalls: intOpt('min-calls', values['min-calls']),
      windowSeconds: intOpt('window-seconds', values['window-seconds']),
      statementTimeoutMs: intOpt('statement-timeout-ms', values['statement-timeout-ms']),
      hygiene: !values['no-hygiene'],
    });
    if (values.json) process.stdout.write(`${JSON.stringify(toJson(result))}\n`);
    else printHuman(result);
    return 0;
  } catch (err) {
    if (err instanceof TargetError || err instanceof AdvisorNotReadyError) {
      console.error(`perfdeck advise: ${err.message.split('\n')[0]}`);
      return 2;
    }
    console.error(`perfdeck advise: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    return 1;
  }
}

// Pure helpers around stored recommendations: what a person may do with one (buttons and their reasons), the
// migration files to download (plain SQL + the Prisma-layout folder as a tar), and progress labels.
import { APPROVAL_MACHINE, type ApprovalState } from '../approvals/state-machine';
import type { Role } from '../auth/roles';
import { renderMigration, type ApplyRecommendation } from './apply-render';
import { renderDropIndex } from './ddl';
import { buildIdentifier } from './sql-ident';
import { createTar } from './tar';

export interface RecommendationAction {
  enabled: boolean;
  /** Why it is disabled (shown as the button's title and beside it). */
  reason: string | null;
}

export interface RecommendationActions {
  approve: RecommendationAction;
  reject: RecommendationAction;
  rollback: RecommendationAction;
  /** "Approve and apply" after a failure is a retry. */
  approveLabel: string;
}

const human = (s: string) => s.replace(/_/g, ' ');

export function recommendationActions(rec: { state: ApprovalState; kind: 'create' | 'drop' }, role: Role): RecommendationActions {
  const who = { role, system: false };
  const act = (to: ApprovalState, extra?: string | null): RecommendationAction => {
    const r = APPROVAL_MACHINE.check(rec.state, to, who);
    if (!r.ok) {
      if (r.code === 'forbidden') return { enabled: false, reason: `Needs the approver role (you are ${role === 'operator' || role === 'admin' || role === 'approver' ? 'an' : 'a'} ${role})` };
      return { enabled: false, reason: `Not possible while ${human(rec.state)}` };
    }
    if (extra) return { enabled: false, reason: extra };
    return { enabled: true, reason: null };
  };
  return {
    approve: act('approved'),
    reject: act('rejected'),
    // Rolling back a drop would mean re-creating an index from its old definition: not offered.
    rollback: act('rolled_back', rec.kind === 'drop' ? 'A dropped index is not re-created automatically; use its definition from the audit log' : null),
    approveLabel: rec.state === 'failed' ? 'Retry apply' : rec.kind === 'drop' ? 'Approve and drop' : 'Approve and apply',
  };
}

// Names come from the target's catalog: no control characters in comments (a newline would end the comment).
const commentSafe = (s: string) =>
  [...s].map((ch) => (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f ? ' ' : ch)).join('').replace(/ {2,}/g, ' ');

const stamp = (d: Date) => d.toISOString().replace(/[-:T]/g, '').slice(0, 14);

export interface StoredRecommendation extends ApplyRecommendation {
  kind: 'create' | 'drop';
  dropReason?: string | null;
}

export interface MigrationDownload {
  /** <timestamp>_<what> — the Prisma migration folder name. */
  name: string;
  sqlFileName: string;
  sql: string;
  tarFileName: string;
  tar: Uint8Array;
}

/**
 * The migration for a recommendation: `CREATE INDEX CONCURRENTLY IF NOT EXISTS …` (or `DROP INDEX CONCURRENTLY IF
 * EXISTS …`) alone in its file — CONCURRENTLY cannot run inside a transaction block — as plain SQL and as
 * prisma/migrations/<name>/migration.sql inside a tar.
 */
export function migrationDownload(rec: StoredRecommendation, opts: { now?: Date } = {}): MigrationDownload {
  const now = opts.now ?? new Date();
  let name: string;
  let sql: string;
  if (rec.kind === 'create') {
    const m = renderMigration(rec, { now });
    name = m.prismaFolder.name;
    sql = m.sql;
  } else {
    name = `${stamp(now)}_${buildIdentifier(['drop_index', rec.name], 'x').replace(/_x$/, '')}`;
    sql = [
      `-- Perfdeck hygiene recommendation: drop ${commentSafe(`${rec.schema}.${rec.name}`)} on ${commentSafe(`${rec.schema}.${rec.table}`)}.`,
      ...(rec.dropReason ? [`-- Why: ${commentSafe(rec.dropReason).slice(0, 300)}`] : []),
      '-- CONCURRENTLY: no lock that blocks reads or writes; it cannot run inside a transaction block, so keep it alone in this file.',
      `${renderDropIndex(rec.schema, rec.name)};`,
      '',
    ].join('\n');
  }
  const tar = createTar([{ path: `prisma/migrations/${name}/migration.sql`, content: sql }], { mtime: now });
  return { name, sqlFileName: `${name}.sql`, sql, tarFileName: `${name}.tar`, tar };
}

/** The label beside an apply progress bar. */
export function applyProgressLabel(state: ApprovalState, phase: string | null): string {
  if (state === 'approved') return 'Approved, waiting for a worker';
  if (state !== 'applying') return human(state);
  if (!phase) return 'Applying';
  return phase === 'starting' ? 'Starting CREATE INDEX CONCURRENTLY' : phase.charAt(0).toUpperCase() + phase.slice(1);
}

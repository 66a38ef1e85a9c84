// What a target database offers the advisor, and the exact fix for each missing piece. Reads only catalog views and
// settings a normal role may read: no superuser needed.
import type pg from 'pg';
import { quoteIdent, quoteLiteral } from './sql-ident';
import { withTarget, type Target } from './connection';

export interface ExtensionState {
  /** The server has the extension's files (pg_available_extensions). */
  available: boolean;
  /** CREATE EXTENSION was run in this database. */
  installed: boolean;
  version: string | null;
  /** Loaded through shared_preload_libraries (only for the ones that need it). */
  preloaded?: boolean;
}

export interface Requirement {
  name: string;
  ok: boolean;
  /** Without it the advisor cannot run (pg_stat_statements readable, HypoPG created). */
  required: boolean;
  detail: string;
  /** SQL or configuration text that fixes it; null when ok. */
  fix: string | null;
}

export interface TargetInspection {
  serverVersion: string;
  serverVersionNum: number;
  database: string;
  role: string;
  superuser: boolean;
  /** Superuser or member of pg_read_all_stats: sees every role's statements. */
  readAllStats: boolean;
  /** shared_preload_libraries as text, or null when this role may not read it. */
  sharedPreloadLibraries: string | null;
  extensions: {
    pg_stat_statements: ExtensionState;
    hypopg: ExtensionState;
    pg_qualstats: ExtensionState;
    pg_trgm: ExtensionState;
  };
  requirements: Requirement[];
  /** Can read statement statistics / can run the advisor (statistics + HypoPG). */
  ready: { collect: boolean; advise: boolean };
}

const EXTS = ['pg_stat_statements', 'hypopg', 'pg_qualstats', 'pg_trgm'] as const;

export async function inspectClient(client: pg.Client): Promise<TargetInspection> {
  const { rows: base } = await client.query(
    `SELECT current_setting('server_version') AS version, current_setting('server_version_num')::int AS num,
            current_database() AS db, current_user AS role,
            (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
            pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') AS read_all_stats,
            current_setting('pg_stat_statements.max', true) IS NOT NULL AS pgss_loaded,
            current_setting('pg_qualstats.enabled', true) IS NOT NULL AS qualstats_loaded`,
  );
  const b = base[0];
  let preload: string | null = null;
  try {
    const { rows } = await client.query(`SELECT current_setting('shared_preload_libraries') AS v`);
    preload = rows[0].v;
  } catch {
    // Needs pg_read_all_settings: the custom GUC check above answers the same question without it.
  }
  const { rows: extRows } = await client.query(
    `SELECT a.name, a.default_version, e.extversion
       FROM pg_available_extensions a LEFT JOIN pg_extension e ON e.extname = a.name
      WHERE a.name = ANY($1)`,
    [EXTS as unknown as string[]],
  );
  const ext = (name: (typeof EXTS)[number], preloaded?: boolean): ExtensionState => {
    const r = extRows.find((x) => x.name === name);
    return {
      available: !!r,
      installed: !!r?.extversion,
      version: r?.extversion ?? null,
      ...(preloaded !== undefined ? { preloaded } : {}),
    };
  };
  const preloadList = preload?.split(',').map((s) => s.trim()).filter(Boolean) ?? null;
  const isPreloaded = (name: string, loaded: boolean) => loaded || (preloadList?.includes(name) ?? false);
  const extensions = {
    pg_stat_statements: ext('pg_stat_statements', isPreloaded('pg_stat_statements', b.pgss_loaded)),
    hypopg: ext('hypopg'),
    pg_qualstats: ext('pg_qualstats', isPreloaded('pg_qualstats', b.qualstats_loaded)),
    pg_trgm: ext('pg_trgm'),
  };
  const superuser = !!b.superuser;
  const readAllStats = superuser || !!b.read_all_stats;
  const major = Math.floor(Number(b.num) / 10000);

  const preloadFix = (lib: string) => {
    const list = preloadList ? [...preloadList.filter((x) => x !== lib), lib].join(',') : lib;
    return (
      `ALTER SYSTEM SET shared_preload_libraries = ${quoteLiteral(list)};  -- ${preloadList ? 'keeps the current list' : 'add the libraries already loaded to this list'}; ` +
      `then restart Postgres (or in postgresql.conf: shared_preload_libraries = '${list}')`
    );
  };
  const pkg = (name: string) =>
    name === 'hypopg' || name === 'pg_qualstats'
      ? `install ${name} on the database server (Debian/Ubuntu: apt-get install postgresql-${major}-${name.replace('_', '-')}; managed services: enable it in the provider's extension settings)`
      : `install the contrib package on the database server (Debian/Ubuntu: apt-get install postgresql-contrib)`;

  const req: Requirement[] = [];
  const pgss = extensions.pg_stat_statements;
  req.push({
    name: 'pg_stat_statements preloaded',
    ok: !!pgss.preloaded,
    required: true,
    detail: pgss.preloaded ? 'loaded through shared_preload_libraries' : 'not in shared_preload_libraries: no statement statistics are collected',
    fix: pgss.preloaded ? null : preloadFix('pg_stat_statements'),
  });
  req.push({
    name: 'pg_stat_statements created',
    ok: pgss.installed,
    required: true,
    detail: pgss.installed ? `version ${pgss.version}` : pgss.available ? 'available but not created in this database' : 'not available on this server',
    fix: pgss.installed ? null : pgss.available ? 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements;' : pkg('pg_stat_statements'),
  });
  req.push({
    name: 'read all statements',
    ok: readAllStats,
    required: false,
    detail: readAllStats
      ? superuser
        ? 'superuser'
        : 'member of pg_read_all_stats'
      : "only this role's own statements are visible (others show as <insufficient privilege>)",
    fix: readAllStats ? null : `GRANT pg_read_all_stats TO ${quoteIdent(String(b.role))};`,
  });
  const hypo = extensions.hypopg;
  req.push({
    name: 'hypopg created',
    ok: hypo.installed,
    required: true,
    detail: hypo.installed
      ? `version ${hypo.version} (hypothetical indexes are session-local: nothing is written)`
      : hypo.available
        ? 'available but not created in this database'
        : 'not available on this server',
    fix: hypo.installed ? null : hypo.available ? 'CREATE EXTENSION IF NOT EXISTS hypopg;' : `${pkg('hypopg')}; then CREATE EXTENSION hypopg;`,
  });
  const qs = extensions.pg_qualstats;
  const qsOk = qs.installed && !!qs.preloaded;
  req.push({
    name: 'pg_qualstats (optional)',
    ok: qsOk,
    required: false,
    detail: qsOk ? 'predicate statistics with constants are used for extra candidates' : 'not used: candidates come from the query texts only',
    fix: qsOk
      ? null
      : [
          !qs.available ? pkg('pg_qualstats') : null,
          !qs.preloaded ? preloadFix('pg_qualstats') : null,
          !qs.installed ? 'CREATE EXTENSION IF NOT EXISTS pg_qualstats;' : null,
        ]
          .filter(Boolean)
          .join(' ; '),
  });
  const trgm = extensions.pg_trgm;
  req.push({
    name: 'pg_trgm (optional)',
    ok: trgm.installed,
    required: false,
    detail: trgm.installed ? "GIN trigram indexes can be suggested for LIKE '%…%' / ILIKE" : "no trigram indexes for LIKE '%…%' / ILIKE",
    fix: trgm.installed ? null : trgm.available ? 'CREATE EXTENSION IF NOT EXISTS pg_trgm;' : pkg('pg_trgm'),
  });

  const collect = !!pgss.preloaded && pgss.installed;
  return {
    serverVersion: String(b.version),
    serverVersionNum: Number(b.num),
    database: String(b.db),
    role: String(b.role),
    superuser,
    readAllStats,
    sharedPreloadLibraries: preload,
    extensions,
    requirements: req,
    ready: { collect, advise: collect && hypo.installed },
  };
}

export async function inspectTarget(target: Target): Promise<TargetInspection> {
  return withTarget(target, { statementTimeoutMs: 10_000 }, inspectClient);
}

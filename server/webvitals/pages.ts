// The console pages the budget gate audits. Pure. Add a page here when it ships; pages that do not answer 200
// yet are skipped by the gate, so listing a page before it exists is harmless.
import type { Role } from '../auth/roles';
import { roleAtLeast } from '../auth/roles';

export interface AuditedPageSpec {
  path: string;
  /** Audit with the viewer's session cookie. The sign-in page is audited signed out: a session would redirect it. */
  signedIn: boolean;
  /**
   * Role needed to see the real page. Others get a 200 "needs the admin role" notice, which is not the page: audits
   * signed in with a lesser role skip it (see pagesForRole).
   */
  minRole?: Role;
}

export const AUDITED_PAGES: readonly AuditedPageSpec[] = [
  { path: '/login', signedIn: false },
  { path: '/overview', signedIn: true },
  { path: '/targets', signedIn: true },
  { path: '/load-tests', signedIn: true },
  { path: '/load-tests/scenarios/new', signedIn: true },
  { path: '/queries', signedIn: true },
  { path: '/web-budgets', signedIn: true },
  { path: '/audit', signedIn: true, minRole: 'admin' },
  { path: '/settings/users', signedIn: true, minRole: 'admin' },
  { path: '/settings/tokens', signedIn: true },
];

/**
 * Pages chosen on the command line ('/a,/b'). Paths not in AUDITED_PAGES are audited signed in, since every
 * console page except sign-in needs a session.
 */
export function selectAuditedPages(csv: string | undefined, all: readonly AuditedPageSpec[] = AUDITED_PAGES): AuditedPageSpec[] {
  if (!csv || !csv.trim()) return all.slice();
  const wanted = csv
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => (p.startsWith('/') ? p : `/${p}`));
  const unique = [...new Set(wanted)];
  return unique.map((path) => all.find((p) => p.path === path) ?? { path, signedIn: true });
}

/** Splits pages into those `role` sees for real and those it would only see a "needs another role" notice on. */
export function pagesForRole<P extends { path: string; minRole?: Role }>(pages: readonly P[], role: Role): { allowed: P[]; skipped: P[] } {
  const allowed: P[] = [];
  const skipped: P[] = [];
  for (const p of pages) (p.minRole && !roleAtLeast(role, p.minRole) ? skipped : allowed).push(p);
  return { allowed, skipped };
}

import { describe, expect, it } from 'vitest';
import { AUDITED_PAGES, pagesForRole, selectAuditedPages } from './pages';

describe('AUDITED_PAGES', () => {
  it('lists the console pages once each, with sign-in audited signed out', () => {
    const paths = AUDITED_PAGES.map((p) => p.path);
    expect(new Set(paths).size).toBe(paths.length);
    for (const p of ['/login', '/overview', '/targets', '/settings/users', '/settings/tokens', '/audit', '/load-tests', '/queries', '/web-budgets']) {
      expect(paths).toContain(p);
    }
    expect(AUDITED_PAGES.filter((p) => !p.signedIn).map((p) => p.path)).toEqual(['/login']);
  });
});

describe('selectAuditedPages', () => {
  it('returns every page without a filter', () => {
    expect(selectAuditedPages(undefined)).toEqual(AUDITED_PAGES);
    expect(selectAuditedPages(' ')).toEqual(AUDITED_PAGES);
  });

  it('keeps known specs, adds a leading slash, dedupes, and audits unknown pages signed in', () => {
    expect(selectAuditedPages('login, /overview,/overview,/new-page')).toEqual([
      { path: '/login', signedIn: false },
      { path: '/overview', signedIn: true },
      { path: '/new-page', signedIn: true },
    ]);
  });
});

describe('pagesForRole', () => {
  it('skips admin-only pages for lesser roles (they would measure a notice, not the page)', () => {
    const { allowed, skipped } = pagesForRole(AUDITED_PAGES, 'viewer');
    expect(skipped.map((p) => p.path).sort()).toEqual(['/audit', '/settings/users']);
    expect(allowed.map((p) => p.path)).toContain('/web-budgets');
    expect(pagesForRole(AUDITED_PAGES, 'approver').skipped).toHaveLength(2);
    expect(pagesForRole(AUDITED_PAGES, 'admin')).toEqual({ allowed: AUDITED_PAGES, skipped: [] });
  });

  it('keeps pages chosen on the command line that are not in the list', () => {
    expect(pagesForRole(selectAuditedPages('/new,/audit'), 'operator')).toEqual({ allowed: [{ path: '/new', signedIn: true }], skipped: [{ path: '/audit', signedIn: true, minRole: 'admin' }] });
  });
});

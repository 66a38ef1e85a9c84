import { describe, expect, it } from 'vitest';
import { AUDITED_PAGES, selectAuditedPages } from './pages';

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

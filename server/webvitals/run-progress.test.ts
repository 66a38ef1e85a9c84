import { describe, expect, it } from 'vitest';
import { describeRunProgress, runProgressLabel } from './run-progress';

const pages = ['/login', '/overview', '/targets'];

describe('describeRunProgress', () => {
  it('a queued run has done nothing and audits nothing yet', () => {
    const p = describeRunProgress({ status: 'queued', progress: 0.5, pages });
    expect(p).toEqual({ pagesDone: 0, pagesTotal: 3, currentPage: null, fraction: 0, finished: false });
    expect(runProgressLabel('queued', p)).toBe('Queued, waiting for a worker · 3 pages');
  });

  it('derives pages done and the current page from the fraction of Lighthouse runs, whatever the runs per page', () => {
    // 3 runs per page: after 4 of 9 runs, page 1 is done and page 2 is being audited.
    expect(describeRunProgress({ status: 'running', progress: 4 / 9, pages })).toMatchObject({ pagesDone: 1, currentPage: '/overview' });
    // 1 run per page
    expect(describeRunProgress({ status: 'running', progress: 2 / 3, pages })).toMatchObject({ pagesDone: 2, currentPage: '/targets' });
    // float error must not lose a page: 6/9 * 3 is 1.9999999999999998
    expect(describeRunProgress({ status: 'running', progress: 6 / 9, pages }).pagesDone).toBe(2);
    expect(describeRunProgress({ status: 'running', progress: 0, pages })).toMatchObject({ pagesDone: 0, currentPage: '/login' });
  });

  it('labels a running run with pages done and the page being audited', () => {
    const p = describeRunProgress({ status: 'running', progress: 4 / 9, pages });
    expect(runProgressLabel('running', p)).toBe('1 of 3 pages · auditing /overview');
  });

  it('a succeeded run is complete even if its last progress write was lost', () => {
    const p = describeRunProgress({ status: 'succeeded', progress: 0.9, pages });
    expect(p).toEqual({ pagesDone: 3, pagesTotal: 3, currentPage: null, fraction: 1, finished: true });
    expect(runProgressLabel('succeeded', p)).toBe('Finished · 3 of 3 pages');
  });

  it('a failed run keeps the progress it reached and names no current page', () => {
    const p = describeRunProgress({ status: 'failed', progress: 0.5, pages: ['/a', '/b'] });
    expect(p).toMatchObject({ pagesDone: 1, currentPage: null, finished: true });
    expect(runProgressLabel('failed', p)).toBe('Failed · 1 of 2 pages');
  });

  it('clamps nonsense progress values and handles a single page', () => {
    expect(describeRunProgress({ status: 'running', progress: 7, pages: ['/a'] })).toMatchObject({ pagesDone: 1, currentPage: null, fraction: 1 });
    expect(describeRunProgress({ status: 'running', progress: -1, pages: ['/a'] })).toMatchObject({ pagesDone: 0, currentPage: '/a', fraction: 0 });
    expect(describeRunProgress({ status: 'running', progress: Number.NaN, pages: ['/a'] }).fraction).toBe(0);
    expect(runProgressLabel('running', describeRunProgress({ status: 'running', progress: 0, pages: ['/a'] }))).toBe('0 of 1 page · auditing /a');
  });
});

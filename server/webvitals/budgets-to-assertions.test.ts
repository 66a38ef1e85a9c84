import { describe, expect, it } from 'vitest';
import {
  budgetToAssertions,
  budgetsToAssertMatrix,
  comparePatternSpecificity,
  evaluateAssertions,
  evaluatePageResult,
  matchesPagePattern,
  pagePatternToRegExp,
  selectBudgetForPage,
  type Assertions,
} from './budgets-to-assertions';
import { budgetSchema, defaultBudgets, DEFAULT_BUDGET_LIMITS, type Budget, type PageResult } from './schema';

const passing: PageResult = {
  page: '/overview',
  url: 'http://127.0.0.1:3210/overview',
  formFactor: 'mobile',
  runs: 3,
  score: 0.98,
  lcpMs: 1800,
  cls: 0.01,
  tbtMs: 120,
  fcpMs: 900,
  siMs: 1100,
  scriptBytes: 180_000,
  totalBytes: 300_000,
  opportunities: [],
  medianRunIndex: 1,
};

const budget = (over: Partial<Budget> = {}): Budget => ({
  pagePattern: '/*',
  formFactor: 'mobile',
  ...DEFAULT_BUDGET_LIMITS,
  ...over,
});

describe('schema defaults', () => {
  it('has one default budget per form factor with the documented limits', () => {
    const d = defaultBudgets();
    expect(d.map((b) => b.formFactor).sort()).toEqual(['desktop', 'mobile']);
    for (const b of d) {
      expect(budgetSchema.parse(b)).toEqual(b);
      expect(b).toMatchObject({
        pagePattern: '/*',
        minPerformanceScore: 0.95,
        maxLcpMs: 2500,
        maxCls: 0.02,
        maxTbtMs: 200,
        maxScriptBytes: 256_000,
      });
    }
  });

  it('rejects patterns that are not paths and scores outside 0..1', () => {
    expect(budgetSchema.safeParse(budget({ pagePattern: 'overview' })).success).toBe(false);
    expect(budgetSchema.safeParse(budget({ pagePattern: '/a(b|c)' })).success).toBe(false);
    expect(budgetSchema.safeParse(budget({ minPerformanceScore: 95 })).success).toBe(false);
    expect(budgetSchema.safeParse(budget({ maxLcpMs: -1 })).success).toBe(false);
  });
});

describe('budgetToAssertions', () => {
  it('produces LHCI assertions for each budgeted metric', () => {
    expect(budgetToAssertions(budget())).toEqual({
      'categories:performance': ['error', { minScore: 0.95, aggregationMethod: 'median-run' }],
      'largest-contentful-paint': ['error', { maxNumericValue: 2500, aggregationMethod: 'median-run' }],
      'cumulative-layout-shift': ['error', { maxNumericValue: 0.02, aggregationMethod: 'median-run' }],
      'total-blocking-time': ['error', { maxNumericValue: 200, aggregationMethod: 'median-run' }],
      'resource-summary:script:size': ['error', { maxNumericValue: 256_000, aggregationMethod: 'median-run' }],
    });
  });
});

describe('page patterns', () => {
  it.each([
    ['/*', 'http://127.0.0.1:3210/', true],
    ['/*', 'http://127.0.0.1:3210/settings/users', true],
    ['/overview', 'http://127.0.0.1:3210/overview', true],
    ['/overview', 'https://perfdeck.example/overview/', true],
    ['/overview', 'http://h/overview?range=7d#top', true],
    ['/overview/', 'http://h/overview', true],
    ['/overview', 'http://h/overview2', false],
    ['/overview', 'http://h/x/overview', false],
    ['/audit', 'http://h/auditors', false],
    ['/load-tests/*', 'http://h/load-tests/abc', true],
    ['/load-tests/*', 'http://h/load-tests/abc/shards', true],
    ['/load-tests/*', 'http://h/load-tests', false],
    ['/settings/*/edit', 'http://h/settings/users/edit', true],
    ['/settings/*/edit', 'http://h/settings/users', false],
    ['/a.b', 'http://h/aXb', false],
    ['/', 'http://h/', true],
    ['/', 'http://h/overview', false],
  ])('%s vs %s → %s', (pattern, url, expected) => {
    expect(matchesPagePattern(pattern, url)).toBe(expected);
  });

  it('matches bare paths as well as URLs', () => {
    expect(matchesPagePattern('/load-tests/*', '/load-tests/1')).toBe(true);
    expect(matchesPagePattern('/overview', '/targets')).toBe(false);
  });

  it('escapes regex syntax in literal parts', () => {
    expect(pagePatternToRegExp('/a+b').test('http://h/a+b')).toBe(true);
    expect(pagePatternToRegExp('/a+b').test('http://h/aab')).toBe(false);
  });

  it('orders exact paths before globs and longer globs before shorter ones', () => {
    const sorted = ['/*', '/load-tests/*', '/load-tests/*/x', '/overview', '/load-*'].sort(comparePatternSpecificity);
    expect(sorted).toEqual(['/overview', '/load-tests/*/x', '/load-tests/*', '/load-*', '/*']);
  });
});

describe('selectBudgetForPage', () => {
  const budgets: Budget[] = [
    budget({ id: 'all-m' }),
    budget({ id: 'all-d', formFactor: 'desktop' }),
    budget({ id: 'lt-m', pagePattern: '/load-tests/*', maxLcpMs: 4000 }),
    budget({ id: 'ov-m', pagePattern: '/overview', maxLcpMs: 3000 }),
    budget({ id: 'ov-d', pagePattern: '/overview', formFactor: 'desktop' }),
  ];

  it('picks the most specific matching pattern for the form factor', () => {
    expect(selectBudgetForPage(budgets, '/overview', 'mobile')?.id).toBe('ov-m');
    expect(selectBudgetForPage(budgets, '/overview', 'desktop')?.id).toBe('ov-d');
    expect(selectBudgetForPage(budgets, '/load-tests/42', 'mobile')?.id).toBe('lt-m');
    expect(selectBudgetForPage(budgets, '/load-tests/42', 'desktop')?.id).toBe('all-d');
    expect(selectBudgetForPage(budgets, '/targets', 'mobile')?.id).toBe('all-m');
  });

  it('does not depend on row order', () => {
    const reversed = budgets.slice().reverse();
    for (const page of ['/overview', '/load-tests/1', '/audit']) {
      expect(selectBudgetForPage(reversed, page, 'mobile')?.id).toBe(selectBudgetForPage(budgets, page, 'mobile')?.id);
    }
  });

  it('returns null when nothing matches', () => {
    expect(selectBudgetForPage([budget({ pagePattern: '/overview' })], '/targets', 'mobile')).toBeNull();
    expect(selectBudgetForPage(budgets.filter((b) => b.formFactor === 'mobile'), '/x', 'desktop')).toBeNull();
  });

  it('builds an LHCI assertMatrix, most specific first, per form factor', () => {
    const matrix = budgetsToAssertMatrix(budgets, 'mobile');
    expect(matrix.map((m) => m.budgetId)).toEqual(['ov-m', 'lt-m', 'all-m']);
    expect(new RegExp(matrix[1].matchingUrlPattern).test('http://127.0.0.1:3210/load-tests/9')).toBe(true);
    expect(matrix[0].assertions['largest-contentful-paint']).toEqual([
      'error',
      { maxNumericValue: 3000, aggregationMethod: 'median-run' },
    ]);
  });
});

describe('evaluateAssertions', () => {
  const assertions = budgetToAssertions(budget());

  it('passes a result within every limit', () => {
    expect(evaluateAssertions(assertions, passing)).toEqual({ pass: true, failures: [], warnings: [] });
  });

  it('treats limits as inclusive', () => {
    const atLimit = { ...passing, score: 0.95, lcpMs: 2500, cls: 0.02, tbtMs: 200, scriptBytes: 256_000 };
    expect(evaluateAssertions(assertions, atLimit).pass).toBe(true);
  });

  it('reports every breach with expected, actual and a readable message', () => {
    const bad = { ...passing, score: 0.87, lcpMs: 3120, cls: 0.15, tbtMs: 450, scriptBytes: 307_200 };
    const res = evaluateAssertions(assertions, bad);
    expect(res.pass).toBe(false);
    expect(res.failures.map((f) => [f.auditId, f.expected, f.actual])).toEqual([
      ['categories:performance', 0.95, 0.87],
      ['largest-contentful-paint', 2500, 3120],
      ['cumulative-layout-shift', 0.02, 0.15],
      ['total-blocking-time', 200, 450],
      ['resource-summary:script:size', 256_000, 307_200],
    ]);
    expect(res.failures[0].message).toBe('Performance score 87 is below the minimum 95');
    expect(res.failures[1].message).toBe('Largest Contentful Paint 3120 ms exceeds the budget of 2500 ms');
    expect(res.failures[4].message).toBe('Script transfer size 300.0 KB exceeds the budget of 250.0 KB');
  });

  it('fails a metric that was not measured', () => {
    const res = evaluateAssertions(assertions, { ...passing, lcpMs: null, score: null });
    expect(res.pass).toBe(false);
    expect(res.failures.map((f) => [f.auditId, f.actual])).toEqual([
      ['categories:performance', null],
      ['largest-contentful-paint', null],
    ]);
    expect(res.failures[1].message).toMatch(/not measured/);
  });

  it('honours off and warn levels', () => {
    const custom: Assertions = {
      'largest-contentful-paint': ['warn', { maxNumericValue: 1000 }],
      'total-blocking-time': ['off', { maxNumericValue: 1 }],
      'cumulative-layout-shift': 'off',
    };
    const res = evaluateAssertions(custom, passing);
    expect(res.pass).toBe(true);
    expect(res.failures).toEqual([]);
    expect(res.warnings.map((w) => w.auditId)).toEqual(['largest-contentful-paint']);
  });
});

describe('evaluatePageResult', () => {
  it('uses the governing budget', () => {
    const budgets = [budget(), budget({ pagePattern: '/overview', maxLcpMs: 1500 })];
    const res = evaluatePageResult(budgets, passing);
    expect(res.budget?.pagePattern).toBe('/overview');
    expect(res.pass).toBe(false);
    expect(res.failures.map((f) => f.auditId)).toEqual(['largest-contentful-paint']);
    expect(evaluatePageResult(budgets, { ...passing, page: '/targets' }).pass).toBe(true);
  });

  it('passes a page no budget covers', () => {
    expect(evaluatePageResult([budget({ formFactor: 'desktop' })], passing)).toMatchObject({ budget: null, pass: true });
  });
});

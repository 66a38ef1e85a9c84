import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Pure files (algorithms with unit tests) may not import the database, Redis, Next or network clients.
const PURE_FILES = [
  'server/**/*.test.ts',
  'server/auth/roles.ts',
  'server/audit/redact.ts',
  'server/targets/schema.ts',
  'server/jobs/registry.ts',
  'server/loadtest/{weights,schedule,histogram,assertions,regression,k6,k6-threshold,schema,presets,summary,merge,collector,limits,progress,verdict,export,scenario-form,types}.ts',
  'server/queries/{candidates,select,plan-findings,deltas,types,ddl,sql-ident,parse-sql,hygiene-rules,score}.ts',
  'server/queries/{schema,percentiles,plan-tree,tar,recommendations,apply-render,param-values,hygiene}.ts',
  'server/approvals/*.ts',
  'server/webvitals/{budgets-to-assertions,median,extract,schema,pages,gate,run-progress,compare,budget-form,board}.ts',
];

export default tseslint.config(
  { ignores: ['node_modules/**', '.next/**', '.next-test/**', 'prisma/generated/**', 'next-env.d.ts', 'test-results/**', 'playwright-report/**', '.perfdeck/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', fetch: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', Buffer: 'readonly', performance: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', Response: 'readonly', Request: 'readonly', Headers: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', structuredClone: 'readonly', queueMicrotask: 'readonly', setImmediate: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Parse trees and EXPLAIN JSON are genuinely dynamic; prefer unknown, but do not block on it.
      '@typescript-eslint/no-explicit-any': 'warn',
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    files: PURE_FILES,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@/server/db', '**/db', '@/server/redis', '**/redis', 'ioredis', 'bullmq', 'pg', 'next', 'next/*', '@prisma/*', '@/prisma/*', 'undici', 'node:net', 'node:http'], message: 'Pure logic: no database, Redis, network or Next imports (ARCHITECTURE.md rule 2).' },
          ],
        },
      ],
    },
  },
  {
    files: ['components/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@/server/*', '!@/server/*/schema'], message: 'components/ are presentational: pass data in as props.' }] }],
    },
  },
);

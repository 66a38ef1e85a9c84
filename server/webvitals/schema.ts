// Web budgets: zod inputs and DTO types shared by the CI gate, the worker, the service and the UI.
// Pure: imports only zod.
import { z } from 'zod';

export const FORM_FACTORS = ['mobile', 'desktop'] as const;
export const formFactorSchema = z.enum(FORM_FACTORS);
export type FormFactor = z.infer<typeof formFactorSchema>;

/**
 * A page path ('/overview') or a glob ('/load-tests/*'). `*` matches any run of characters, including '/'.
 * Only path characters are allowed so that a pattern can never smuggle regex syntax into the URL matcher.
 */
export const pagePatternSchema = z
  .string()
  .trim()
  .min(1, 'Page pattern is required')
  .max(200, 'Page pattern is too long')
  .regex(/^\/[A-Za-z0-9\-._~/*]*$/, "Page pattern must start with '/' and contain only path characters or '*'");

export const budgetSchema = z.object({
  id: z.string().min(1).optional(),
  pagePattern: pagePatternSchema,
  formFactor: formFactorSchema,
  /** Lighthouse performance category score, 0..1 (0.95 is what the report shows as 95). */
  minPerformanceScore: z.number().min(0).max(1),
  maxLcpMs: z.number().int().positive(),
  maxCls: z.number().min(0).max(10),
  maxTbtMs: z.number().int().min(0),
  /** Transfer (on-the-wire, compressed) bytes of all scripts, as Lighthouse's resource-summary reports them. */
  maxScriptBytes: z.number().int().min(0),
});
export type Budget = z.infer<typeof budgetSchema>;
export type BudgetInput = z.input<typeof budgetSchema>;

export const DEFAULT_BUDGET_PATTERN = '/*';

/** The defaults the seed inserts, once per form factor. */
export const DEFAULT_BUDGET_LIMITS = {
  minPerformanceScore: 0.95,
  maxLcpMs: 2500,
  maxCls: 0.02,
  maxTbtMs: 200,
  maxScriptBytes: 256_000, // 250 KB
} as const satisfies Omit<Budget, 'id' | 'pagePattern' | 'formFactor'>;

export function defaultBudgets(): Budget[] {
  return FORM_FACTORS.map((formFactor) => ({ pagePattern: DEFAULT_BUDGET_PATTERN, formFactor, ...DEFAULT_BUDGET_LIMITS }));
}

export const opportunitySchema = z.object({
  id: z.string(),
  title: z.string(),
  savingsMs: z.number().min(0),
  savingsBytes: z.number().min(0),
});
export type Opportunity = z.infer<typeof opportunitySchema>;

// Metrics are nullable: Lighthouse reports an audit error (e.g. NO_LCP) as a missing numericValue, and a missing
// metric must fail the budget rather than pass as 0.
const metric = z.number().min(0).nullable();

export const pageResultSchema = z.object({
  /** The console path that was audited, e.g. '/overview'. */
  page: z.string(),
  /** The URL Lighthouse loaded. */
  url: z.string(),
  formFactor: formFactorSchema,
  /** How many Lighthouse runs were made for this page; the metrics are those of the median run. */
  runs: z.number().int().min(1),
  score: z.number().min(0).max(1).nullable(),
  lcpMs: metric,
  cls: metric,
  tbtMs: metric,
  fcpMs: metric,
  siMs: metric,
  scriptBytes: metric,
  totalBytes: metric,
  opportunities: z.array(opportunitySchema),
  medianRunIndex: z.number().int().min(0),
});
export type PageResult = z.infer<typeof pageResultSchema>;

export const lighthouseRunStatusSchema = z.enum(['queued', 'running', 'succeeded', 'failed']);
export type LighthouseRunStatus = z.infer<typeof lighthouseRunStatusSchema>;

export interface BudgetDto extends Budget {
  id: string;
  createdAt: string;
  updatedAt: string;
}

export interface BudgetFailureDto {
  auditId: string;
  expected: number;
  actual: number | null;
  message: string;
}

/** A stored page result, without the (large) report. */
export interface LighthouseResultDto {
  id: string;
  runId: string;
  page: string;
  formFactor: FormFactor;
  score: number | null;
  lcpMs: number | null;
  cls: number | null;
  tbtMs: number | null;
  fcpMs: number | null;
  siMs: number | null;
  scriptBytes: number | null;
  totalBytes: number | null;
  opportunities: Opportunity[];
  failures: BudgetFailureDto[];
  runs: number;
  medianRunIndex: number;
  pass: boolean;
  createdAt: string;
}

export interface LighthouseRunDto {
  id: string;
  status: LighthouseRunStatus;
  progress: number;
  commitSha: string | null;
  formFactor: FormFactor;
  pages: string[];
  jobId: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  createdById: string | null;
  createdAt: string;
  /** Pages with a stored result, and how many of them breached their budget. */
  resultCount: number;
  failedCount: number;
}

export interface LighthouseRunDetailDto extends LighthouseRunDto {
  results: LighthouseResultDto[];
}

export const createRunInputSchema = z.object({
  formFactor: formFactorSchema.default('mobile'),
  /** Omitted: every page in AUDITED_PAGES (pages that do not answer 200 are then skipped, not failed). */
  pages: z.array(z.string().regex(/^\/[A-Za-z0-9\-._~/]*$/, 'A page is a path such as /overview')).min(1).max(50).optional(),
  commitSha: z
    .string()
    .regex(/^[0-9a-f]{7,40}$/i)
    .nullish(),
});
export type CreateRunInput = z.input<typeof createRunInputSchema>;

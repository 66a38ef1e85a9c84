import { z } from 'zod';

// Inputs and DTOs for targets. Secrets (DSN and URLs that may carry credentials) go in, never out.

const optionalUrl = (protocols: RegExp, example: string) =>
  z
    .string()
    .trim()
    .max(2000)
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || (protocols.test(v) && URL.canParse(v)), `Enter a URL like ${example}`);

export const TargetInputSchema = z.object({
  name: z.string().trim().min(1, 'Give the target a name').max(80, 'At most 80 characters'),
  baseUrl: z
    .string()
    .trim()
    .refine((v) => /^https?:\/\//.test(v) && URL.canParse(v), 'Enter the base URL, like http://127.0.0.1:4010')
    .transform((v) => v.replace(/\/+$/, '')),
  postgresDsn: optionalUrl(/^postgres(ql)?:\/\//, 'postgresql://user:pass@host:5432/db'),
  redisUrl: optionalUrl(/^rediss?:\/\//, 'redis://host:6379'),
  prometheusUrl: optionalUrl(/^https?:\/\//, 'http://host:9090'),
});
export type TargetInput = z.infer<typeof TargetInputSchema>;

/** Update: blank secret fields keep the stored value; clear* flags remove it. */
export const TargetUpdateSchema = TargetInputSchema.extend({
  clearPostgresDsn: z.coerce.boolean().optional(),
  clearRedisUrl: z.coerce.boolean().optional(),
  clearPrometheusUrl: z.coerce.boolean().optional(),
});
export type TargetUpdate = z.infer<typeof TargetUpdateSchema>;

export interface CheckStep {
  ok: boolean;
  skipped?: boolean;
  summary: string;
  details?: Record<string, unknown>;
  fixes?: string[];
}
export interface CheckResult {
  http: CheckStep;
  postgres: CheckStep;
  prometheus: CheckStep;
  redis: CheckStep;
}

export interface TargetCheckDto {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'abandoned' | string;
  progress: number;
  jobId: string | null;
  result: CheckResult | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface TargetDto {
  id: string;
  name: string;
  baseUrl: string;
  postgres: string | null; // redacted hint (host:port/db) or null
  redis: string | null;
  prometheus: string | null;
  lastCheck: TargetCheckDto | null;
  createdAt: string;
}

/** host:port/db without user or password: what the UI may show for a secret URL. */
export function redactUrl(url: string | undefined | null): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
}

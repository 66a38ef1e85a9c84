import type { ZodError } from 'zod';

// Errors a person can act on. Edges map them to HTTP statuses / form states; anything else becomes a generic 500
// without details (never a stack trace to the user).

export type FieldErrors = Record<string, string>;

export class AppError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly fieldErrors?: FieldErrors,
  ) {
    super(message);
  }
}

export class ValidationError extends AppError {
  constructor(message: string, fieldErrors?: FieldErrors) {
    super(message, 400, 'invalid_input', fieldErrors);
  }
  static fromZod(err: ZodError, message = 'Please correct the highlighted fields.'): ValidationError {
    const fields: FieldErrors = {};
    for (const issue of err.issues) {
      const k = issue.path.join('.') || '_';
      fields[k] ??= issue.message;
    }
    return new ValidationError(message, fields);
  }
}
/** Parse input with a zod schema; a 400 with per-field messages when it does not fit. */
export function parseInput<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: ZodError } }, input: unknown): T {
  const r = schema.safeParse(input);
  if (!r.success) throw ValidationError.fromZod(r.error);
  return r.data;
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'Sign in to continue.') {
    super(message, 401, 'unauthenticated');
  }
}
export class ForbiddenError extends AppError {
  constructor(message = 'Your role does not allow this action.') {
    super(message, 403, 'forbidden');
  }
}
export class NotFoundError extends AppError {
  constructor(what = 'Resource') {
    super(`${what} not found.`, 404, 'not_found');
  }
}
export class ConflictError extends AppError {
  constructor(message: string, fieldErrors?: FieldErrors) {
    super(message, 409, 'conflict', fieldErrors);
  }
}
export class UnavailableError extends AppError {
  constructor(message: string) {
    super(message, 503, 'unavailable');
  }
}

/** Recognise a database/Redis connectivity failure, so the UI can say "dependency unavailable" instead of 500. */
export function isConnectivityError(err: unknown): boolean {
  const msg = String((err as { message?: string })?.message ?? '') + String((err as { code?: string })?.code ?? '');
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|Connection terminated|Can't reach database|Stream isn't writeable|enableOfflineQueue|connect ECONN|P1001|DatabaseNotReachable|timeout exceeded when trying to connect/i.test(msg);
}

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (isConnectivityError(err)) return new UnavailableError('A dependency (Postgres or Redis) is unavailable. Try again shortly.');
  console.error('[perfdeck] unexpected error', err);
  return new AppError('Something went wrong on our side. The error was logged.', 500, 'internal');
}

import { actorFromHeaders } from './auth/actor';
import type { Actor } from './auth/roles';
import { toAppError, UnauthenticatedError } from './errors';
import { metrics } from './metrics';

// Route-handler wrapper: resolves the actor (session cookie or Bearer token), maps errors to JSON with the right
// status (never a stack trace), and records the console's HTTP duration histogram by route template.
type Handler<C> = (req: Request, ctx: { actor: Actor | null; params: C }) => Promise<Response>;

export function route<C = Record<string, string>>(
  template: string,
  handler: Handler<C>,
  opts: { auth?: boolean } = { auth: true },
) {
  return async (req: Request, context: { params: Promise<C> }): Promise<Response> => {
    const started = performance.now();
    let status = 500;
    try {
      const actor = opts.auth === false ? null : await actorFromHeaders(req.headers);
      if (opts.auth !== false && !actor) throw new UnauthenticatedError('Sign in or send Authorization: Bearer <API token>.');
      const res = await handler(req, { actor, params: context?.params ? await context.params : ({} as C) });
      status = res.status;
      return res;
    } catch (err) {
      const e = toAppError(err);
      status = e.status;
      return Response.json({ error: e.message, code: e.code, ...(e.fieldErrors ? { fields: e.fieldErrors } : {}) }, { status: e.status });
    } finally {
      metrics().httpDuration.observe({ route: template, method: req.method, status: String(status) }, (performance.now() - started) / 1000);
    }
  };
}

/** Parse a JSON body: 400 with a clear message when it is not JSON. */
export async function readJson(req: Request): Promise<unknown> {
  const text = await req.text();
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    const { ValidationError } = await import('./errors');
    throw new ValidationError('The request body is not valid JSON.');
  }
}

import { authorize } from '@/server/auth/authorize';
import { AppError, ValidationError } from '@/server/errors';
import { route } from '@/server/http';
import { INGEST_MAX_BODY_BYTES } from '@/server/queries/schema';
import { ingestSamples } from '@/server/queries/service';

export const dynamic = 'force-dynamic';

// Query timings an application reports (Bearer API token of an operator or above, or a session):
// {"target":"<target name>","samples":[{"query":"…","durationMs":12.3,"at":"<ISO>","plan"?:[…]}]} → 202.
export const POST = route('/api/v1/queries', async (req, { actor }) => {
  authorize(actor, 'operator'); // before reading a body this caller may not send
  const type = req.headers.get('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) throw new AppError('Send the samples as JSON (Content-Type: application/json).', 415, 'unsupported_media_type');
  const declared = Number(req.headers.get('content-length') ?? 0);
  if (declared > INGEST_MAX_BODY_BYTES) throw new AppError(`The body is larger than ${INGEST_MAX_BODY_BYTES} bytes: send fewer samples per request.`, 413, 'too_large');
  const text = await req.text();
  if (Buffer.byteLength(text) > INGEST_MAX_BODY_BYTES) throw new AppError(`The body is larger than ${INGEST_MAX_BODY_BYTES} bytes: send fewer samples per request.`, 413, 'too_large');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ValidationError('The request body is not valid JSON.');
  }
  return Response.json(await ingestSamples(actor!, body), { status: 202 });
});

import { readJson, route } from '@/server/http';
import { rejectRecommendation } from '@/server/queries/service';

export const dynamic = 'force-dynamic';

export const POST = route<{ id: string }>('/api/v1/recommendations/:id/reject', async (req, { actor, params }) => {
  const body = (await readJson(req)) as { note?: unknown };
  return Response.json(await rejectRecommendation(actor!, params.id, { note: typeof body?.note === 'string' ? body.note : undefined }));
});

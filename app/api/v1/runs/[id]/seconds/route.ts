import { route } from '@/server/http';
import { getRunSeconds } from '@/server/loadtest/service';

export const dynamic = 'force-dynamic';

// GET ?after=<second>: merged seconds after that one (polling alternative to the SSE stream).
export const GET = route<{ id: string }>('/api/v1/runs/:id/seconds', async (req, { actor, params }) => {
  const after = Number(new URL(req.url).searchParams.get('after') ?? -1);
  return Response.json(await getRunSeconds(actor!, params.id, Number.isInteger(after) ? after : -1), { headers: { 'cache-control': 'no-store' } });
});

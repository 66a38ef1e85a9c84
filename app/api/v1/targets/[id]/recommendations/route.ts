import { route } from '@/server/http';
import { listRecommendations } from '@/server/queries/service';

export const dynamic = 'force-dynamic';

// Index recommendations of a target, with their state and history. ?state=proposed,applied filters by state.
export const GET = route<{ id: string }>('/api/v1/targets/:id/recommendations', async (req, { actor, params }) => {
  const state = new URL(req.url).searchParams.get('state');
  const states = state ? state.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
  return Response.json({ data: await listRecommendations(actor!, params.id, { states }) }, { headers: { 'cache-control': 'no-store' } });
});

import { route } from '@/server/http';
import { rollbackRecommendation } from '@/server/queries/service';

export const dynamic = 'force-dynamic';

// Approver+: drop an applied index again (a job).
export const POST = route<{ id: string }>('/api/v1/recommendations/:id/rollback', async (_req, { actor, params }) =>
  Response.json(await rollbackRecommendation(actor!, params.id), { status: 202 }),
);

import { route } from '@/server/http';
import { getRunProgress } from '@/server/webvitals/service';

export const dynamic = 'force-dynamic';

// Polled by the web-budgets page while a Lighthouse run is in progress (viewer+; session or Bearer token).
export const GET = route<{ id: string }>('/api/v1/web-budgets/runs/:id', async (_req, { actor, params }) =>
  Response.json(await getRunProgress(actor!, params.id), { headers: { 'cache-control': 'no-store' } }),
);

import { route } from '@/server/http';
import { pinBaseline } from '@/server/loadtest/service';

export const dynamic = 'force-dynamic';

// POST: pin this finished run as its scenario's baseline (operator).
export const POST = route<{ id: string }>('/api/v1/runs/:id/baseline', async (_req, { actor, params }) => Response.json(await pinBaseline(actor!, params.id)));

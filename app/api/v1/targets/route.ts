import { readJson, route } from '@/server/http';
import { createTarget, listTargets } from '@/server/targets/service';

export const dynamic = 'force-dynamic';

export const GET = route('/api/v1/targets', async (_req, { actor }) => Response.json({ data: await listTargets(actor!) }));
export const POST = route('/api/v1/targets', async (req, { actor }) => Response.json(await createTarget(actor!, await readJson(req)), { status: 201 }));

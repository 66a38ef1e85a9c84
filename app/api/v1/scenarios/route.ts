import { readJson, route } from '@/server/http';
import { createScenario, listScenarios } from '@/server/loadtest/service';

export const dynamic = 'force-dynamic';

// GET ?target=<id>&name=<name>: scenarios (the CLI resolves `--scenario <name>` here). POST: create (operator).
export const GET = route('/api/v1/scenarios', async (req, { actor }) => {
  const q = new URL(req.url).searchParams;
  return Response.json(await listScenarios(actor!, { targetId: q.get('target') ?? undefined, name: q.get('name') ?? undefined }));
});

export const POST = route('/api/v1/scenarios', async (req, { actor }) => Response.json(await createScenario(actor!, await readJson(req)), { status: 201 }));

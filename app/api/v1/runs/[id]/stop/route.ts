import { readJson, route } from '@/server/http';
import { stopRun } from '@/server/loadtest/service';

export const dynamic = 'force-dynamic';

// POST {"mode": "stop" | "abort"} (operator). Stop keeps what was measured (status "stopped"); abort ends "aborted".
export const POST = route<{ id: string }>('/api/v1/runs/:id/stop', async (req, { actor, params }) => {
  const body = (await readJson(req)) as { mode?: unknown };
  return Response.json(await stopRun(actor!, params.id, body.mode === 'abort' ? 'abort' : 'stop'), { status: 202 });
});

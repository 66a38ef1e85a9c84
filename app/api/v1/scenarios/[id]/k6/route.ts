import { route } from '@/server/http';
import { exportK6 } from '@/server/loadtest/service';

export const dynamic = 'force-dynamic';

// The scenario as a k6 script (weights, stages or arrival rates, thresholds from the assertions).
export const GET = route<{ id: string }>('/api/v1/scenarios/:id/k6', async (_req, { actor, params }) => {
  const { filename, script } = await exportK6(actor!, params.id);
  return new Response(script, {
    headers: { 'content-type': 'text/javascript; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"`, 'cache-control': 'no-store' },
  });
});

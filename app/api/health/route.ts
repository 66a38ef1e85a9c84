import { getHealth } from '@/server/health/service';
import { route } from '@/server/http';

export const dynamic = 'force-dynamic';

// 200 when Postgres, Redis and at least one worker are healthy; 503 otherwise. JSON per dependency.
export const GET = route(
  '/api/health',
  async () => {
    const h = await getHealth();
    return Response.json(h, { status: h.status === 'ok' ? 200 : 503, headers: { 'cache-control': 'no-store' } });
  },
  { auth: false },
);

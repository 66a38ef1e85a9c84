import { ValidationError } from '@/server/errors';
import { route } from '@/server/http';
import { parseSlowQueryParams } from '@/server/queries/schema';
import { listSlowQueries } from '@/server/queries/service';

export const dynamic = 'force-dynamic';

// Slow queries over a window of collected intervals: ?window=interval|1h|6h|24h|7d&sort=total_time|mean_time|calls|p95
// &order=desc|asc&show=slow|all&limit=1..500
export const GET = route<{ id: string }>('/api/v1/targets/:id/queries', async (req, { actor, params }) => {
  const p = parseSlowQueryParams(new URL(req.url).searchParams);
  if (!p.ok) throw new ValidationError(`Invalid query string: ${p.issues.map((i) => i.message).join('; ')}`, Object.fromEntries(p.issues.map((i) => [i.field, i.message])));
  return Response.json(await listSlowQueries(actor!, params.id, p.params), { headers: { 'cache-control': 'no-store' } });
});

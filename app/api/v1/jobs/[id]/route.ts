import { authorize } from '@/server/auth/authorize';
import { NotFoundError } from '@/server/errors';
import { route } from '@/server/http';
import { getJobStatus } from '@/server/jobs/enqueue';

export const dynamic = 'force-dynamic';

export const GET = route<{ id: string }>('/api/v1/jobs/:id', async (_req, { actor, params }) => {
  authorize(actor, 'viewer');
  const job = await getJobStatus(params.id);
  if (!job) throw new NotFoundError('Job');
  return Response.json(job, { headers: { 'cache-control': 'no-store' } });
});

import { route } from '@/server/http';
import { getResultReport } from '@/server/webvitals/service';

export const dynamic = 'force-dynamic';

// The stored median Lighthouse report (LHR JSON), decompressed. Open it in the Lighthouse viewer
// (googlechrome.github.io/lighthouse/viewer) or read it as is.
export const GET = route<{ id: string }>('/api/v1/web-budgets/results/:id/report', async (_req, { actor, params }) => {
  const { page, lhrJson } = await getResultReport(actor!, params.id);
  const name = `lighthouse${page.replace(/[^A-Za-z0-9]+/g, '-').replace(/-$/, '')}-${params.id.slice(0, 8)}.json`;
  return new Response(lhrJson, {
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'content-disposition': `inline; filename="${name}"`,
      'cache-control': 'private, max-age=3600',
    },
  });
});

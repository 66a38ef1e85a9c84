import { ValidationError } from '@/server/errors';
import { route } from '@/server/http';
import { exportRunCsv, exportRunJson } from '@/server/loadtest/service';

export const dynamic = 'force-dynamic';

// GET ?format=csv|json: every merged second (CSV: overall and per endpoint; JSON: also the encoded HDR histograms),
// streamed a batch at a time so a long soak never sits in memory.
export const GET = route<{ id: string }>('/api/v1/runs/:id/export', async (req, { actor, params }) => {
  const format = new URL(req.url).searchParams.get('format') ?? 'csv';
  if (format !== 'csv' && format !== 'json') throw new ValidationError('format must be csv or json', { format: 'csv or json' });
  const { filename, chunks } = format === 'csv' ? await exportRunCsv(actor!, params.id) : await exportRunJson(actor!, params.id);
  const it = chunks[Symbol.asyncIterator]();
  const enc = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await it.next();
        if (done) controller.close();
        else controller.enqueue(enc.encode(value));
      } catch (err) {
        controller.error(err);
      }
    },
    async cancel() {
      await it.return?.();
    },
  });
  return new Response(body, {
    headers: {
      'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'no-store',
    },
  });
});

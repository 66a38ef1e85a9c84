import { route } from '@/server/http';
import { getRun, getRunSeconds } from '@/server/loadtest/service';

export const dynamic = 'force-dynamic';

// Server-sent events for the live run page: `run` (the run DTO, whenever status/stage/progress change), `second`
// (each merged second, id = its number, so a reconnect resumes with Last-Event-ID) and `end`. The coordinator writes
// a second a second, so reading Postgres once a second is all the stream needs (no Redis connection per viewer).
const POLL_MS = 1000;
const MAX_STREAM_MS = 3 * 60 * 60 * 1000;

export const GET = route<{ id: string }>('/api/v1/runs/:id/stream', async (req, { actor, params }) => {
  const first = await getRun(actor!, params.id); // 404/403 before any streaming starts
  const q = new URL(req.url).searchParams;
  const resume = Number(req.headers.get('last-event-id') ?? q.get('after') ?? -1);
  let after = Number.isInteger(resume) && resume >= -1 ? resume : -1;
  const enc = new TextEncoder();
  let closed = false;
  req.signal.addEventListener('abort', () => (closed = true), { once: true });
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (event: string, data: unknown, id?: number) => {
        if (closed) return;
        try {
          controller.enqueue(enc.encode(`${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
        } catch {
          closed = true;
        }
      };
      controller.enqueue(enc.encode('retry: 2000\n\n'));
      send('run', first);
      let last = `${first.status}|${first.stage}|${first.progress}|${first.lastSecond}`;
      const started = Date.now();
      let idle = 0;
      try {
        while (!closed && Date.now() - started < MAX_STREAM_MS) {
          const seconds = await getRunSeconds(actor!, params.id, after, 600);
          for (const s of seconds) {
            send('second', s, s.second);
            after = s.second;
          }
          const run = await getRun(actor!, params.id);
          const sig = `${run.status}|${run.stage}|${run.progress}|${run.lastSecond}`;
          if (sig !== last) {
            send('run', run);
            last = sig;
          }
          if (run.finished && seconds.length === 0) {
            send('end', { status: run.status });
            break;
          }
          // A comment every ~15 s keeps proxies from closing an idle stream (a queued run can wait a while).
          if (++idle % 15 === 0 && !closed) controller.enqueue(enc.encode(': keep-alive\n\n'));
          await new Promise((r) => setTimeout(r, POLL_MS));
        }
      } catch (err) {
        send('failure', { message: (err as Error).message });
      } finally {
        if (!closed) controller.close();
        closed = true;
      }
    },
    cancel() {
      closed = true;
    },
  });
  return new Response(body, {
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no', connection: 'keep-alive' },
  });
});

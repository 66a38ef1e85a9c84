// One real Lighthouse run (Debian Chromium) against a page served in-process: proves Lighthouse 12 still parses
// this Chromium's traces, that the session cookie reaches the server, and that script transfer bytes are measured.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditPage } from '@/server/webvitals/lighthouse-runner';
import { budgetToAssertions, evaluateAssertions } from '@/server/webvitals/budgets-to-assertions';
import { DEFAULT_BUDGET_LIMITS } from '@/server/webvitals/schema';

// A script of known size, served uncompressed, so its transfer size is the body plus a few hundred header bytes.
const SCRIPT_BODY_BYTES = 40_000;
const script = (() => {
  const head = 'document.getElementById("title").textContent = "Perfdeck budgets";\n';
  return head + '/'.repeat(SCRIPT_BODY_BYTES - head.length - 1) + '\n';
})();
const html = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Budget probe</title></head>
<body><main><h1 id="title">Budget probe</h1><p>Largest contentful paint candidate text.</p></main>
<script src="/app.js"></script></body></html>`;

let server: http.Server;
let baseUrl: string;
const cookiesSeen: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/app.js') {
      res.writeHead(200, { 'content-type': 'application/javascript', 'content-length': Buffer.byteLength(script) });
      res.end(script);
      return;
    }
    if (req.url === '/probe') {
      cookiesSeen.push(req.headers.cookie ?? '');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('Lighthouse runner against a real Chromium', () => {
  it('measures score, LCP and the known script bytes in one run', async () => {
    const progress: [number, number, string][] = [];
    const audit = await auditPage({
      baseUrl,
      page: '/probe',
      runs: 1,
      formFactor: 'mobile',
      cookie: 'perfdeck.session_token=probe',
      onProgress: (done, total, page) => progress.push([done, total, page]),
    });
    const r = audit.result;

    expect(r.page).toBe('/probe');
    expect(r.runs).toBe(1);
    expect(r.score).not.toBeNull();
    expect(r.score!).toBeGreaterThan(0);
    expect(r.score!).toBeLessThanOrEqual(1);
    expect(r.lcpMs).not.toBeNull();
    expect(r.lcpMs!).toBeGreaterThan(0);
    expect(r.fcpMs!).toBeGreaterThan(0);
    expect(r.scriptBytes).not.toBeNull();
    expect(r.scriptBytes!).toBeGreaterThanOrEqual(SCRIPT_BODY_BYTES);
    expect(r.scriptBytes!).toBeLessThan(SCRIPT_BODY_BYTES + 1024);
    expect(r.totalBytes!).toBeGreaterThan(r.scriptBytes!);

    expect(cookiesSeen).toContain('perfdeck.session_token=probe');
    expect(progress).toEqual([[1, 1, '/probe']]);

    const lhr = JSON.parse(audit.lhrJson) as { lighthouseVersion: string; configSettings: { formFactor: string } };
    expect(lhr.lighthouseVersion).toMatch(/^12\./);
    expect(lhr.configSettings.formFactor).toBe('mobile');

    // The same result through the shared evaluation: a 30 KB script budget must flag the 40 KB script.
    const evaluation = evaluateAssertions(budgetToAssertions({ pagePattern: '/*', formFactor: 'mobile', ...DEFAULT_BUDGET_LIMITS, maxScriptBytes: 30_000 }), r);
    expect(evaluation.failures.map((f) => f.auditId)).toContain('resource-summary:script:size');
  });
});

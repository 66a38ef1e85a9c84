// Runs Lighthouse 12 on Perfdeck's own pages (IO: launches Chromium). Only this file imports lighthouse and
// chrome-launcher, so the rest of the domain stays light and testable.
//
// Runs are strictly sequential (one page, one run at a time, also across concurrent callers in this process):
// parallel Lighthouse runs on one machine skew each other's CPU-bound metrics (lighthouse docs/variability.md).
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import * as chromeLauncher from 'chrome-launcher';
import type { Flags, Config, Result as LighthouseResult } from 'lighthouse';
import { extractPageResult, type Lhr } from './extract';
import { selectMedianLhrIndex } from './median';
import type { FormFactor, PageResult } from './schema';

export const DEFAULT_CHROME_PATH = '/usr/bin/chromium';
export const DEFAULT_RUNS = 3;

/** Headless "new" Chromium as root in a container; the rest silences background traffic that would add noise. */
export const CHROME_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
] as const;

export interface PageToAudit {
  /** Console path, e.g. '/overview'. */
  path: string;
  /** Send the session cookie (default true). */
  signedIn?: boolean;
}

export interface AuditPagesOptions {
  /** e.g. 'http://127.0.0.1:3210' */
  baseUrl: string;
  pages: readonly (string | PageToAudit)[];
  formFactor?: FormFactor;
  /** Runs per page; the median run is kept (default 3). */
  runs?: number;
  /** Value of a Cookie header for signed-in pages (sent as Lighthouse `extraHeaders`). */
  cookie?: string | null;
  chromePath?: string;
  /** Called after every Lighthouse run: `done` of `total` runs, on `page`. */
  onProgress?: (done: number, total: number, page: string) => void;
  /** Checked between runs, so a cancelled job stops within one run. */
  signal?: AbortSignal;
}

export type PageAudit =
  | {
      ok: true;
      page: string;
      result: PageResult;
      /** JSON of the median run's LHR; the caller stores it gzip-compressed. */
      lhrJson: string;
      runDurationsMs: number[];
    }
  | { ok: false; page: string; error: string; runDurationsMs: number[] };

let queue: Promise<unknown> = Promise.resolve();
/** Serializes Lighthouse work within this process. */
function exclusively<T>(fn: () => Promise<T>): Promise<T> {
  const next = queue.then(fn, fn);
  queue = next.catch(() => undefined);
  return next;
}

/**
 * The in-process queue above does not stop a CI gate, a worker's job and a colleague's gate on the same machine from
 * auditing at the same time, and overlapping audits inflate each other's TBT and LCP (seen: TBT 290 ms instead of
 * 60 ms with three audits on two cores). Each page's audit therefore also holds an exclusive flock(1) on this file;
 * others wait their turn page by page. The lock belongs to a `flock … cat` child whose stdin we hold: closing it (or
 * dying) releases it. Without flock(1) (not Linux) only the in-process queue applies.
 */
export const MACHINE_LOCK_FILE = process.env.PERFDECK_LIGHTHOUSE_LOCK ?? '/tmp/perfdeck-lighthouse.lock';

function holdMachineLock(signal?: AbortSignal): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const child = spawn('flock', ['-x', MACHINE_LOCK_FILE, 'sh', '-c', 'echo locked; exec cat >/dev/null'], { stdio: ['pipe', 'pipe', 'ignore'] });
    let settled = false;
    const settle = (fn: () => void) => {
      if (!settled) {
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        fn();
      }
    };
    const onAbort = () => {
      child.kill();
      settle(() => reject(signal?.reason ?? new Error('aborted')));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.once('error', () => settle(() => resolve(() => {}))); // no flock(1) here
    child.stdout!.once('data', () => settle(() => resolve(() => child.stdin!.end())));
    child.once('exit', () => settle(() => resolve(() => {})));
  });
}

async function loadLighthouse() {
  // Lazy: importing lighthouse costs ~1 s and many MB; only audits need it.
  const [{ default: lighthouse }, { default: desktopConfig }] = await Promise.all([
    import('lighthouse'),
    import('lighthouse/core/config/desktop-config.js'),
  ]);
  return { lighthouse, desktopConfig: desktopConfig as Config };
}

function pageUrl(baseUrl: string, path: string): string {
  return new URL(path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).toString();
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Audits each page `runs` times, one run at a time, and keeps the median run (see median.ts).
 * A page whose runs all fail is returned with `ok: false` rather than aborting the other pages.
 */
export function auditPages(opts: AuditPagesOptions): Promise<PageAudit[]> {
  return exclusively(() => auditPagesNow(opts));
}

async function auditPagesNow(opts: AuditPagesOptions): Promise<PageAudit[]> {
  const runs = Math.max(1, Math.floor(opts.runs ?? DEFAULT_RUNS));
  const formFactor = opts.formFactor ?? 'mobile';
  const pages = opts.pages.map((p) => (typeof p === 'string' ? { path: p, signedIn: true } : p));
  const total = pages.length * runs;
  const { lighthouse, desktopConfig } = await loadLighthouse();
  // Mobile is Lighthouse's default config (Moto G Power emulation, simulated slow 4G + 4x CPU throttling).
  const config = formFactor === 'desktop' ? desktopConfig : undefined;
  let done = 0;
  const out: PageAudit[] = [];

  for (const page of pages) {
    const url = pageUrl(opts.baseUrl, page.path);
    const headers = page.signedIn !== false && opts.cookie ? { Cookie: opts.cookie } : undefined;
    const flags: Flags = {
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance'],
      // The full-page screenshot is a large base64 image we never show; it would dominate the stored report.
      disableFullPageScreenshot: true,
      extraHeaders: headers,
    };
    const lhrs: LighthouseResult[] = [];
    const errors: string[] = [];
    const runDurationsMs: number[] = [];
    const doneBeforePage = done;

    // One Chrome per page: cheap (~0.5 s) and a crashed browser costs one page, not the whole audit.
    let chrome: chromeLauncher.LaunchedChrome | null = null;
    let stopOnAbort: (() => void) | null = null;
    let releaseMachine: (() => void) | null = null;
    try {
      releaseMachine = await holdMachineLock(opts.signal);
      chrome = await chromeLauncher.launch({
        chromePath: opts.chromePath ?? process.env.CHROME_PATH ?? DEFAULT_CHROME_PATH,
        chromeFlags: [...CHROME_FLAGS],
        logLevel: 'error',
        // chrome-launcher's own SIGINT handler calls process.exit before the caller can clean up; we stop Chrome
        // ourselves, through the abort signal and the finally below.
        handleSIGINT: false,
      });
      const launched = chrome;
      stopOnAbort = () => launched.kill(); // ends an in-flight run at once instead of after it finishes
      opts.signal?.addEventListener('abort', stopOnAbort, { once: true });
      for (let i = 0; i < runs; i++) {
        opts.signal?.throwIfAborted();
        const started = performance.now();
        try {
          const res = await lighthouse(url, { ...flags, port: chrome.port }, config);
          if (!res) throw new Error('Lighthouse returned no result');
          const lhr = res.lhr;
          if (lhr.runtimeError) throw new Error(`${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
          assertSamePage(url, lhr.finalDisplayedUrl);
          lhrs.push(lhr);
        } catch (err) {
          if (opts.signal?.aborted) throw err;
          errors.push(errorMessage(err));
          // A redirect will not go away on the next run: stop spending runs on this page.
          if (err instanceof WrongPageError) break;
        } finally {
          runDurationsMs.push(Math.round(performance.now() - started));
          done++;
          opts.onProgress?.(done, total, page.path);
        }
      }
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      errors.push(errorMessage(err));
    } finally {
      if (stopOnAbort) opts.signal?.removeEventListener('abort', stopOnAbort);
      try {
        chrome?.kill();
      } catch {
        // already gone
      }
      releaseMachine?.();
    }
    // If Chrome failed to launch, no run reported progress: count this page's runs as done anyway.
    if (done < doneBeforePage + runs) {
      done = doneBeforePage + runs;
      opts.onProgress?.(done, total, page.path);
    }

    if (lhrs.length === 0) {
      out.push({ ok: false, page: page.path, error: errors[0] ?? 'no Lighthouse run succeeded', runDurationsMs });
      continue;
    }
    try {
      const medianIndex = selectMedianLhrIndex(lhrs as unknown as Lhr[]);
      const median = lhrs[medianIndex];
      const result = extractPageResult(median as unknown as Lhr, {
        page: page.path,
        formFactor,
        runs: lhrs.length,
        medianRunIndex: medianIndex,
      });
      out.push({ ok: true, page: page.path, result, lhrJson: JSON.stringify(median), runDurationsMs });
    } catch (err) {
      out.push({ ok: false, page: page.path, error: errorMessage(err), runDurationsMs });
    }
  }
  return out;
}

class WrongPageError extends Error {}

/** A redirect (typically to /login when the cookie is stale) would silently measure the wrong page. */
function assertSamePage(requested: string, final: string | undefined): void {
  if (!final) return;
  const a = new URL(requested);
  const b = new URL(final);
  const norm = (p: string) => (p.length > 1 ? p.replace(/\/$/, '') : p);
  if (a.origin !== b.origin || norm(a.pathname) !== norm(b.pathname)) {
    throw new WrongPageError(`Page redirected from ${a.pathname} to ${b.pathname}${b.search}; the audit would measure the wrong page`);
  }
}

/**
 * Splits pages into those that answer 200 to a plain GET (signed in unless `signedIn: false`) and those that do not
 * (not built yet, or not allowed for this user). The GETs also warm the server before Lighthouse measures it.
 */
export async function findExistingPages(
  baseUrl: string,
  pages: readonly PageToAudit[],
  cookie: string | null | undefined,
): Promise<{ found: PageToAudit[]; skipped: { path: string; status: number; location: string | null }[] }> {
  const found: PageToAudit[] = [];
  const skipped: { path: string; status: number; location: string | null }[] = [];
  for (const p of pages) {
    const res = await fetch(pageUrl(baseUrl, p.path), {
      headers: p.signedIn !== false && cookie ? { cookie } : {},
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
    });
    await res.arrayBuffer();
    if (res.status === 200) found.push(p);
    else skipped.push({ path: p.path, status: res.status, location: res.headers.get('location') });
  }
  return { found, skipped };
}

/** Audits one page; throws on failure. */
export async function auditPage(
  opts: Omit<AuditPagesOptions, 'pages'> & { page: string | PageToAudit },
): Promise<Extract<PageAudit, { ok: true }>> {
  const [res] = await auditPages({ ...opts, pages: [opts.page] });
  if (!res.ok) throw new Error(`Lighthouse audit of ${res.page} failed: ${res.error}`);
  return res;
}

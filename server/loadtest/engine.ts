// The load engine (IO): a lean HTTP/1.1 keep-alive client on raw sockets, driving the open or closed workload
// model from schedule.ts and recording through recorder.ts.
//
// Why raw sockets: requests per generator CPU-second is what limits how much load one worker can offer. Measured on
// the 2-vCPU demo VM (docs/load-engine.md), undici's Pool costs ~1.3× autocannon's CPU per request; a prebuilt
// request Buffer per endpoint, one shared read buffer (net `onread`, no per-chunk allocation or 'data' event) and a
// byte-level response parser that only looks at the status, Content-Length, Transfer-Encoding and Connection
// headers beat autocannon. Timeouts are enforced by one sweeper interval instead of a timer per request.
import net from 'node:net';
import tls from 'node:tls';
import { lookup } from 'node:dns/promises';
import { performance } from 'node:perf_hooks';
import { evaluateAssertions, evaluateLive, type LiveGrace } from './assertions';
import { LoadRecorder, type ErrorKind } from './recorder';
import { openCursor, shardActiveVusAt, shardTargetRateAt, splitShard, type OpenCursor, type ShardPlan } from './schedule';
import { scenarioSpecSchema, type Endpoint, type LoadResult, type ScenarioSpec, type ScenarioSpecInput, type SecondSnapshot } from './schema';
import { createWeightedPicker, weightedSequence, type WeightedPicker } from './weights';

export interface RunLoadOptions {
  /** Target base URL, e.g. http://127.0.0.1:4000 or http://127.0.0.1:4000/api (paths are appended). */
  baseUrl: string;
  /** This process's shard of a distributed run (default: the whole run). */
  shard?: { index: number; count: number };
  /** Common start time (epoch ms) shared by all shards; default: as soon as connections are warm. */
  startAt?: number;
  signal?: AbortSignal;
  /** Called once per second with that second's deltas (HDR-encoded). */
  onSecond?: (snapshot: SecondSnapshot) => void;
  /**
   * Hosts this run may target (exact hostnames or IP literals, case-insensitive). When omitted, only loopback
   * (127.0.0.0/8, ::1, localhost) is allowed: a load generator must never be pointed anywhere by accident.
   */
  allowedHosts?: string[];
  /** A request sent more than this many ms after its intended start is a late start (default 1). */
  lateStartMs?: number;
  /** Evaluate assertions (abortOnFail live, all at the end). Default true. */
  evaluateAssertions?: boolean;
  liveGrace?: LiveGrace;
  /** https only: verify the server certificate (default true). */
  rejectUnauthorized?: boolean;
}

export class LoadTargetError extends Error {}

export interface ResolvedTarget {
  protocol: 'http:' | 'https:';
  hostname: string;
  port: number;
  /** The IP we connect to (resolved once, so no DNS lookup per connection). */
  address: string;
  hostHeader: string;
  /** Path prefix from the base URL without a trailing slash ('' for none). */
  basePath: string;
}

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  return net.isIPv4(h) && h.startsWith('127.');
}

/** Parse and check a base URL against the host policy; throws LoadTargetError with a readable message. */
export function checkTarget(baseUrl: string, allowedHosts?: readonly string[]): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new LoadTargetError(`not a valid URL: ${baseUrl}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new LoadTargetError(`only http:// and https:// targets are supported (got ${url.protocol})`);
  if (url.username || url.password) throw new LoadTargetError('credentials in the URL are not supported; use a header');
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const allowed = allowedHosts ? allowedHosts.some((h) => h.replace(/^\[|\]$/g, '').toLowerCase() === host) : isLoopbackHost(host);
  if (!allowed) {
    throw new LoadTargetError(
      allowedHosts ? `host ${host} is not in the allowed hosts (${allowedHosts.join(', ') || 'none'})` : `host ${host} is not a loopback address; only loopback targets are allowed unless the host is explicitly allowed`,
    );
  }
  return url;
}

export async function resolveTarget(baseUrl: string, allowedHosts?: readonly string[]): Promise<ResolvedTarget> {
  const url = checkTarget(baseUrl, allowedHosts);
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const protocol = url.protocol as 'http:' | 'https:';
  const port = url.port ? Number(url.port) : protocol === 'https:' ? 443 : 80;
  let address = hostname;
  if (!net.isIP(hostname)) {
    try {
      // Prefer IPv4 for localhost: most dev servers listen on 127.0.0.1 only.
      address = (await lookup(hostname, hostname.toLowerCase() === 'localhost' ? { family: 4 } : {})).address;
    } catch (e) {
      throw new LoadTargetError(`cannot resolve ${hostname}: ${(e as Error).message}`);
    }
    if (!allowedHosts && !isLoopbackHost(address)) throw new LoadTargetError(`${hostname} resolves to ${address}, which is not loopback`);
  }
  const defaultPort = (protocol === 'http:' && port === 80) || (protocol === 'https:' && port === 443);
  return {
    protocol,
    hostname,
    port,
    address,
    hostHeader: url.host && !defaultPort ? url.host : url.hostname,
    basePath: url.pathname.replace(/\/+$/, ''),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Requests

interface EndpointPlan {
  name: string;
  isHead: boolean;
  /** Whole request, built once (null when the body has placeholders). */
  staticBuf: Buffer | null;
  /** Request head up to (not including) Content-Length, for templated bodies. */
  headPrefix: string;
  bodyTemplate: string | null;
}

const PLACEHOLDER = /\{\{(seq|vu|rand|now)\}\}/g;

/** Render a body template: {{seq}} global request number, {{vu}} VU/connection id, {{rand}} random int, {{now}} epoch ms. */
export function renderBody(template: string, seq: number, vu: number): string {
  return template.replace(PLACEHOLDER, (_, k: string) =>
    k === 'seq' ? String(seq) : k === 'vu' ? String(vu) : k === 'rand' ? String(Math.floor(Math.random() * 1e9)) : String(Date.now()),
  );
}

export function buildEndpointPlan(ep: Endpoint, target: Pick<ResolvedTarget, 'hostHeader' | 'basePath'>): EndpointPlan {
  const lower = new Set(Object.keys(ep.headers ?? {}).map((h) => h.toLowerCase()));
  let head = `${ep.method} ${target.basePath}${ep.path} HTTP/1.1\r\nHost: ${target.hostHeader}\r\n`;
  if (!lower.has('user-agent')) head += 'User-Agent: perfdeck-loadgen/1\r\n';
  for (const [k, v] of Object.entries(ep.headers ?? {})) head += `${k}: ${v}\r\n`;
  const hasBody = ep.body !== undefined && ep.body !== '';
  if (hasBody && !lower.has('content-type')) head += 'Content-Type: application/json\r\n';
  const bodyTemplate = hasBody ? ep.body! : null;
  const needsLength = hasBody || ep.method === 'POST' || ep.method === 'PUT' || ep.method === 'PATCH';
  const templated = bodyTemplate !== null && new RegExp(PLACEHOLDER.source).test(bodyTemplate);
  let staticBuf: Buffer | null = null;
  if (!templated) {
    const body = Buffer.from(bodyTemplate ?? '', 'utf8');
    staticBuf = Buffer.concat([Buffer.from(head + (needsLength ? `Content-Length: ${body.length}\r\n` : '') + '\r\n', 'latin1'), body]);
  }
  return { name: ep.name, isHead: ep.method === 'HEAD', staticBuf, headPrefix: head, bodyTemplate: templated ? bodyTemplate : null };
}

function requestBuffer(p: EndpointPlan, seq: number, vu: number): Buffer {
  if (p.staticBuf !== null) return p.staticBuf;
  const body = Buffer.from(renderBody(p.bodyTemplate!, seq, vu), 'utf8');
  return Buffer.concat([Buffer.from(`${p.headPrefix}Content-Length: ${body.length}\r\n\r\n`, 'latin1'), body]);
}

// ---------------------------------------------------------------------------------------------------------------
// Connection + response parser

const C_CONNECTING = 0;
const C_IDLE = 1;
const C_BUSY = 2;
const C_CLOSED = 3;

const P_HEAD = 0;
const P_BODY = 1;
const P_CHUNKED = 2;
const P_UNTIL_CLOSE = 3;

// Chunked sub-states
const CS_SIZE = 0;
const CS_EXT = 1;
const CS_SIZE_LF = 2;
const CS_DATA = 3;
const CS_DATA_CR = 4;
const CS_DATA_LF = 5;
const CS_TRAILER_START = 6;
const CS_TRAILER_LINE = 7;
const CS_END_LF = 8;

const MAX_HEAD_BYTES = 64 * 1024;
/** Open model: how early a request may leave (see schedule()). */
const SEND_AHEAD_MS = 0.5;
const lit = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));
const H_CONTENT_LENGTH = lit('content-length:');
const H_CONNECTION = lit('connection:');
const H_TRANSFER_ENCODING = lit('transfer-encoding:');
const W_CLOSE = lit('close');
const W_CHUNKED = lit('chunked');

/** Case-insensitive match of a lower-case ASCII literal at buf[p]. */
function matchLower(buf: Uint8Array, p: number, end: number, l: Uint8Array): boolean {
  const n = l.length;
  if (p + n > end) return false;
  for (let i = 0; i < n; i++) if ((buf[p + i] | 0x20) !== l[i]) return false;
  return true;
}
function containsLower(buf: Uint8Array, p: number, end: number, l: Uint8Array): boolean {
  const last = end - l.length;
  for (let i = p; i <= last; i++) if (matchLower(buf, i, end, l)) return true;
  return false;
}
function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

// One read buffer shared by every plain-TCP connection: onread callbacks run synchronously, so no two reads
// overlap, and leftovers (a header split across reads) are copied out before the next read.
const SHARED_READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

class Conn {
  socket: net.Socket;
  state = C_CONNECTING;
  connected = false;
  /** Has completed at least one response (a reused keep-alive connection). */
  used = false;
  // In-flight request
  ep = -1;
  intended = 0;
  sent = 0;
  started = 0;
  seq = 0;
  retried = false;
  gotBytes = false;
  // Parser
  p = P_HEAD;
  partial: Buffer | null = null;
  status = 0;
  remaining = 0;
  cs = CS_SIZE;
  chunkSize = 0;
  closeAfter = false;
  lastError: ErrorKind | null = null;
  vu: Vu | null = null;
  /** Position in Engine.conns (for O(1) removal). */
  slot = -1;

  constructor(
    readonly engine: Engine,
    readonly id: number,
  ) {
    const t = engine.target;
    if (t.protocol === 'https:') {
      this.socket = tls.connect({ host: t.address, port: t.port, servername: net.isIP(t.hostname) ? undefined : t.hostname, rejectUnauthorized: engine.rejectUnauthorized });
      this.socket.on('secureConnect', () => this.onConnect());
      this.socket.on('data', (chunk: Buffer) => this.feed(chunk, chunk.length));
    } else {
      this.socket = net.connect({
        host: t.address,
        port: t.port,
        onread: {
          buffer: SHARED_READ_BUFFER,
          callback: (n: number, buf: Uint8Array) => {
            this.feed(buf as Buffer, n);
            return true;
          },
        },
      });
      this.socket.on('connect', () => this.onConnect());
    }
    this.socket.setNoDelay(true);
    this.socket.on('error', (err: NodeJS.ErrnoException) => this.onError(err));
    this.socket.on('end', () => this.onEnd());
    this.socket.on('close', () => this.onClose());
  }

  private onConnect(): void {
    if (this.state === C_CLOSED) return;
    this.connected = true;
    this.engine.connected(this);
  }

  /** Write a request. The connection must be idle (or connected-with-pending, handled by Engine). */
  send(ep: number, intended: number, seq: number, retried: boolean, now: number): void {
    this.ep = ep;
    this.intended = intended;
    this.seq = seq;
    this.retried = retried;
    this.gotBytes = false;
    this.state = C_BUSY;
    this.sent = now;
    this.started = now;
    this.p = P_HEAD;
    this.engine.recorder.recordStart(intended, now);
    this.socket.write(requestBuffer(this.engine.plans[ep], seq, this.vu ? this.vu.id : this.id));
  }

  /** Hold a request on a connection that is still connecting; it is written on connect. */
  hold(ep: number, intended: number, seq: number, retried: boolean, now: number): void {
    this.ep = ep;
    this.intended = intended;
    this.seq = seq;
    this.retried = retried;
    this.started = now;
  }

  feed(buf: Buffer, end: number): void {
    if (this.state !== C_BUSY) {
      // Bytes nobody asked for (we never pipeline): the framing can no longer be trusted.
      if (this.state !== C_CLOSED) this.fail('other');
      return;
    }
    let p = 0;
    if (this.partial !== null) {
      buf = Buffer.concat([this.partial, buf.subarray(0, end)]);
      end = buf.length;
      this.partial = null;
    }
    this.gotBytes = true;
    while (p < end) {
      const ps = this.p;
      if (ps === P_HEAD) {
        const r = this.parseHead(buf, p, end);
        if (r === -1) {
          if (end - p > MAX_HEAD_BYTES) return this.fail('other');
          this.partial = Buffer.from(buf.subarray(p, end)); // copy: the shared read buffer is reused
          return;
        }
        if (r === -2) return this.fail('other');
        p = r;
        if (this.status < 200) continue; // 1xx informational: the real head follows
        if (this.p === P_HEAD) {
          // No body: done.
          if (p < end) this.closeAfter = true;
          return this.complete();
        }
      } else if (ps === P_BODY) {
        const n = end - p < this.remaining ? end - p : this.remaining;
        this.remaining -= n;
        p += n;
        if (this.remaining === 0) {
          if (p < end) this.closeAfter = true;
          return this.complete();
        }
      } else if (ps === P_CHUNKED) {
        p = this.parseChunked(buf, p, end);
        if (p < 0) return this.fail('other');
        if (this.cs === CS_END_LF + 1) {
          if (p < end) this.closeAfter = true;
          return this.complete();
        }
      } else {
        p = end; // P_UNTIL_CLOSE: body ends when the server closes
      }
    }
  }

  /** Parse a response head at buf[p..end). Returns the index after it, -1 if incomplete, -2 if malformed. */
  private parseHead(buf: Buffer, p: number, end: number): number {
    // Status line: "HTTP/1.x NNN ..."
    if (end - p < 12) return -1;
    if (buf[p] !== 72 || buf[p + 1] !== 84 || buf[p + 2] !== 84 || buf[p + 3] !== 80 || buf[p + 4] !== 47) return -2;
    const d0 = buf[p + 9] - 48;
    const d1 = buf[p + 10] - 48;
    const d2 = buf[p + 11] - 48;
    if (d0 < 1 || d0 > 5 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return -2;
    const status = d0 * 100 + d1 * 10 + d2;
    let i = p + 12;
    while (i < end && buf[i] !== 10) i++;
    if (i >= end) return -1;
    i++;
    let contentLength = -1;
    let chunked = false;
    let close = false;
    for (;;) {
      const lineStart = i;
      while (i < end && buf[i] !== 10) i++;
      if (i >= end) return -1;
      const lineEnd = buf[i - 1] === 13 ? i - 1 : i; // tolerate bare LF
      i++;
      if (lineEnd === lineStart) break; // blank line: end of head
      const c = buf[lineStart] | 0x20;
      if (c === 99 /* c */) {
        if (matchLower(buf, lineStart, lineEnd, H_CONTENT_LENGTH)) {
          let v = 0;
          let digits = 0;
          for (let j = lineStart + 15; j < lineEnd; j++) {
            const ch = buf[j];
            if (ch >= 48 && ch <= 57) {
              v = v * 10 + (ch - 48);
              digits++;
            } else if (ch !== 32 && ch !== 9) return -2;
          }
          if (digits === 0) return -2;
          contentLength = v;
        } else if (matchLower(buf, lineStart, lineEnd, H_CONNECTION)) {
          close = containsLower(buf, lineStart + 11, lineEnd, W_CLOSE);
        }
      } else if (c === 116 /* t */ && matchLower(buf, lineStart, lineEnd, H_TRANSFER_ENCODING)) {
        chunked = containsLower(buf, lineStart + 18, lineEnd, W_CHUNKED);
      }
    }
    this.status = status;
    if (status < 200) {
      this.p = P_HEAD;
      return i;
    }
    this.closeAfter = close;
    if (this.engine.plans[this.ep].isHead || status === 204 || status === 304) {
      this.p = P_HEAD;
    } else if (chunked) {
      this.p = P_CHUNKED;
      this.cs = CS_SIZE;
      this.chunkSize = 0;
    } else if (contentLength >= 0) {
      if (contentLength === 0) this.p = P_HEAD;
      else {
        this.p = P_BODY;
        this.remaining = contentLength;
      }
    } else {
      this.p = P_UNTIL_CLOSE;
      this.closeAfter = true;
    }
    return i;
  }

  /** Chunked body state machine; returns the new position, or -1 if malformed. cs becomes CS_END_LF+1 when done. */
  private parseChunked(buf: Buffer, p: number, end: number): number {
    while (p < end) {
      const c = buf[p];
      switch (this.cs) {
        case CS_SIZE: {
          const v = hexVal(c);
          if (v >= 0) {
            this.chunkSize = this.chunkSize * 16 + v;
            if (this.chunkSize > Number.MAX_SAFE_INTEGER / 16) return -1;
          } else if (c === 13) this.cs = CS_SIZE_LF;
          else if (c === 59 /* ; */ || c === 32 || c === 9) this.cs = CS_EXT;
          else return -1;
          p++;
          break;
        }
        case CS_EXT:
          if (c === 13) this.cs = CS_SIZE_LF;
          p++;
          break;
        case CS_SIZE_LF:
          if (c !== 10) return -1;
          p++;
          if (this.chunkSize === 0) this.cs = CS_TRAILER_START;
          else {
            this.cs = CS_DATA;
            this.remaining = this.chunkSize;
          }
          break;
        case CS_DATA: {
          const n = end - p < this.remaining ? end - p : this.remaining;
          this.remaining -= n;
          p += n;
          if (this.remaining === 0) this.cs = CS_DATA_CR;
          break;
        }
        case CS_DATA_CR:
          if (c !== 13) return -1;
          this.cs = CS_DATA_LF;
          p++;
          break;
        case CS_DATA_LF:
          if (c !== 10) return -1;
          this.cs = CS_SIZE;
          this.chunkSize = 0;
          p++;
          break;
        case CS_TRAILER_START:
          this.cs = c === 13 ? CS_END_LF : CS_TRAILER_LINE;
          p++;
          break;
        case CS_TRAILER_LINE:
          if (c === 10) this.cs = CS_TRAILER_START;
          p++;
          break;
        case CS_END_LF:
          if (c !== 10) return -1;
          this.cs = CS_END_LF + 1;
          return p + 1;
        default:
          return -1;
      }
    }
    return p;
  }

  private complete(): void {
    const now = performance.now();
    const ep = this.ep;
    this.ep = -1;
    this.p = P_HEAD;
    this.used = true;
    this.engine.recorder.recordResponse(ep, this.status, this.intended, this.sent, now);
    if (this.closeAfter) {
      this.state = C_CLOSED;
      this.socket.destroy();
      this.engine.removeConn(this);
    } else {
      this.state = C_IDLE;
    }
    this.engine.afterResponse(this, now);
  }

  private onError(err: NodeJS.ErrnoException): void {
    const code = err.code ?? '';
    this.lastError = !this.connected
      ? code === 'ETIMEDOUT'
        ? 'timeout'
        : 'connect'
      : code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED'
        ? 'reset'
        : 'other';
  }

  private onEnd(): void {
    if (this.state === C_BUSY && this.p === P_UNTIL_CLOSE) {
      this.closeAfter = true;
      this.complete();
    }
  }

  private onClose(): void {
    if (this.state === C_CLOSED) return;
    this.fail(this.lastError ?? (this.connected ? 'reset' : 'connect'));
  }

  /** The connection is unusable: close it and settle the in-flight request (if any) as an error or a retry. */
  fail(kind: ErrorKind): void {
    if (this.state === C_CLOSED) return;
    const hadRequest = this.ep >= 0;
    this.state = C_CLOSED;
    this.socket.destroy();
    this.engine.removeConn(this);
    if (hadRequest) {
      const ep = this.ep;
      this.ep = -1;
      // A keep-alive connection the server closed just as we reused it: retry once on a fresh one (as undici
      // does for idempotent requests), since the request never reached the application.
      const retry = kind === 'reset' && this.used && !this.gotBytes && !this.retried;
      this.engine.afterFailure(this, ep, kind, retry);
    } else {
      this.engine.afterIdleClose(this);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Closed-model virtual user

class Vu {
  conn: Conn | null = null;
  active = true;
  timer: NodeJS.Timeout | null = null;
  /** When the next request is intended: previous completion + think time. */
  nextIntended = 0;
  inFlight = false;

  constructor(
    readonly engine: Engine,
    readonly id: number,
  ) {}
}

// ---------------------------------------------------------------------------------------------------------------

type Phase = 'starting' | 'running' | 'draining' | 'done';

class Engine {
  readonly spec: ScenarioSpec;
  readonly plan: ShardPlan;
  readonly target: ResolvedTarget;
  readonly plans: EndpointPlan[];
  readonly recorder: LoadRecorder;
  readonly rejectUnauthorized: boolean;
  private readonly opts: RunLoadOptions;
  private readonly conns: Conn[] = [];
  private readonly idle: Conn[] = [];
  private readonly vus: Vu[] = [];
  private connSeq = 0;
  private busy = 0;
  private t0 = 0;
  private endAt = 0;
  private phase: Phase = 'starting';
  private cursor: OpenCursor | null = null;
  private seqTable: Uint16Array | null = null;
  private picker: WeightedPicker | null = null;
  private localSeq = 0;
  private schedTimer: NodeJS.Timeout | null = null;
  private secTimer: NodeJS.Timeout | null = null;
  private endTimer: NodeJS.Timeout | null = null;
  private intervals: NodeJS.Timeout[] = [];
  private second = 0;
  private lastSecond = 0;
  private aborted = false;
  private abortReason: string | null = null;
  private finishedAt = 0;
  private resolveDone: (() => void) | null = null;
  private wakeEarly: (() => void) | null = null;
  private readonly think: number;
  private readonly hasAbortAssertions: boolean;

  constructor(spec: ScenarioSpec, target: ResolvedTarget, opts: RunLoadOptions) {
    this.spec = spec;
    this.opts = opts;
    this.target = target;
    const shard = opts.shard ?? { index: 0, count: 1 };
    this.plan = splitShard(spec, shard.index, shard.count);
    this.plans = spec.endpoints.map((e) => buildEndpointPlan(e, target));
    this.recorder = new LoadRecorder(
      spec.endpoints.map((e) => e.name),
      { lateStartMs: opts.lateStartMs ?? 1, shard },
    );
    this.rejectUnauthorized = opts.rejectUnauthorized ?? true;
    this.think = spec.model.kind === 'closed' ? spec.model.thinkTimeMs : 0;
    this.hasAbortAssertions = (opts.evaluateAssertions ?? true) && spec.assertions.some((a) => a.abortOnFail);
    if (spec.model.kind === 'open') this.seqTable = weightedSequence(spec.endpoints.map((e) => e.weight));
    else this.picker = createWeightedPicker(spec.endpoints.map((e) => e.weight));
  }

  // ---- connection pool -----------------------------------------------------------------------------------

  private openConn(): Conn {
    const c = new Conn(this, ++this.connSeq);
    c.slot = this.conns.length;
    this.conns.push(c);
    return c;
  }

  removeConn(c: Conn): void {
    const i = c.slot;
    if (i < 0) return;
    const last = this.conns.pop()!;
    if (last !== c) {
      this.conns[i] = last;
      last.slot = i;
    }
    c.slot = -1;
  }

  private takeIdle(): Conn | null {
    while (this.idle.length) {
      const c = this.idle.pop()!;
      if (c.state === C_IDLE && c.vu === null) return c;
    }
    return null;
  }

  connected(c: Conn): void {
    if (c.ep >= 0) {
      // A request was held while connecting.
      c.send(c.ep, c.intended, c.seq, c.retried, performance.now());
    } else {
      c.state = C_IDLE;
      if (c.vu) this.vuNext(c.vu, performance.now());
      else this.idle.push(c);
    }
  }

  // ---- completions -----------------------------------------------------------------------------------------

  afterResponse(c: Conn, now: number): void {
    this.busy--;
    const vu = c.vu;
    if (vu !== null) {
      vu.inFlight = false;
      if (c.state === C_CLOSED) vu.conn = null;
      this.vuAfterRequest(vu, now);
    } else if (c.state === C_IDLE) {
      this.idle.push(c);
    }
    if (this.phase === 'draining' && this.busy === 0) this.finish();
  }

  afterFailure(c: Conn, ep: number, kind: ErrorKind, retry: boolean): void {
    const now = performance.now();
    const vu = c.vu;
    if (vu) vu.conn = null;
    if (retry && this.phase !== 'done') {
      if (vu) {
        const n = this.openConn();
        n.vu = vu;
        vu.conn = n;
        n.state = C_CONNECTING;
        n.hold(ep, c.intended, c.seq, true, now);
        return; // still busy
      }
      const idle = this.takeIdle();
      if (idle) return idle.send(ep, c.intended, c.seq, true, now);
      if (this.conns.length < this.plan.maxConnections) return this.openConn().hold(ep, c.intended, c.seq, true, now);
    }
    this.busy--;
    this.recorder.recordError(ep, kind);
    if (vu) {
      vu.inFlight = false;
      // Back off after a failed connect so a down target does not turn into a tight reconnect loop.
      if (kind === 'connect') this.vuSleep(vu, now + Math.max(this.think, 100));
      else this.vuAfterRequest(vu, now);
    }
    if (this.phase === 'draining' && this.busy === 0) this.finish();
  }

  afterIdleClose(c: Conn): void {
    const vu = c.vu;
    if (vu) {
      vu.conn = null;
      if (vu.active && this.phase === 'running' && vu.timer === null) this.vuNext(vu, performance.now());
    }
  }

  // ---- closed model --------------------------------------------------------------------------------------

  private vuAfterRequest(vu: Vu, now: number): void {
    if (!vu.active || this.phase !== 'running') return this.vuRelease(vu);
    if (this.think <= 0) {
      vu.nextIntended = now;
      this.vuIssue(vu, now);
    } else this.vuSleep(vu, now + this.think);
  }

  private vuSleep(vu: Vu, until: number): void {
    vu.nextIntended = until;
    const delay = until - performance.now();
    vu.timer = setTimeout(() => {
      vu.timer = null;
      if (!vu.active || this.phase !== 'running') return this.vuRelease(vu);
      this.vuIssue(vu, performance.now());
    }, delay > 0 ? delay : 0);
  }

  /** Start (or continue) a VU: its next request is intended now. */
  private vuNext(vu: Vu, now: number): void {
    vu.nextIntended = now;
    this.vuIssue(vu, now);
  }

  private vuIssue(vu: Vu, now: number): void {
    const ep = this.picker!.next();
    const seq = this.localSeq++ * this.plan.count + this.plan.index;
    this.busy++;
    vu.inFlight = true;
    let c = vu.conn;
    if (c !== null && c.state === C_IDLE) return c.send(ep, vu.nextIntended, seq, false, now);
    if (c === null || c.state === C_CLOSED) {
      c = this.takeIdle() ?? this.openConn();
      c.vu = vu;
      vu.conn = c;
      if (c.state === C_IDLE) return c.send(ep, vu.nextIntended, seq, false, now);
    }
    c.hold(ep, vu.nextIntended, seq, false, now);
  }

  private vuRelease(vu: Vu): void {
    if (vu.timer) {
      clearTimeout(vu.timer);
      vu.timer = null;
    }
    const c = vu.conn;
    vu.conn = null;
    if (c) {
      c.vu = null;
      if (c.state === C_IDLE) this.idle.push(c);
    }
  }

  private startVu(globalId: number, now: number): void {
    const vu = new Vu(this, globalId);
    this.vus.push(vu);
    this.vuNext(vu, now);
  }

  /** Bring this shard's VU count to the profile's target (graceful ramp-down: a busy VU stops after its request). */
  private adjustVus(now: number): void {
    const want = shardActiveVusAt(this.plan, (now - this.t0) / 1000);
    let active = 0;
    for (const vu of this.vus) if (vu.active) active++;
    // Local VU j is global VU j·count + index, so shards interleave like execution segments.
    while (active < want) {
      const reuse = this.vus.find((v) => !v.active && !v.inFlight && v.timer === null);
      if (reuse) {
        reuse.active = true;
        this.vuNext(reuse, now);
      } else this.startVu(this.vus.length * this.plan.count + this.plan.index, now);
      active++;
    }
    for (let i = this.vus.length - 1; i >= 0 && active > want; i--) {
      const vu = this.vus[i];
      if (!vu.active) continue;
      vu.active = false;
      active--;
      if (!vu.inFlight) this.vuRelease(vu);
    }
  }

  private activeVus(): number {
    let n = 0;
    for (const vu of this.vus) if (vu.active) n++;
    return n;
  }

  // ---- open model ----------------------------------------------------------------------------------------

  private schedule = (): void => {
    this.schedTimer = null;
    if (this.phase !== 'running') return;
    const cursor = this.cursor!;
    const seq = this.seqTable!;
    const t0 = this.t0;
    let now = performance.now();
    let off = cursor.peekOffsetMs();
    let n = 0;
    // Send what is due within SEND_AHEAD_MS: libuv timers have 1 ms resolution and fire up to ~1 ms either side,
    // so waiting for the exact instant would add ~0.6 ms of timer lag to every request. The recorder measures
    // response time from the earlier of intended and actual send, so an early send never flatters a result.
    while (t0 + off <= now + SEND_AHEAD_MS) {
      const k = cursor.peekIndex();
      this.dispatchOpen(seq[k % seq.length], t0 + off, k, now);
      cursor.advance();
      off = cursor.peekOffsetMs();
      // Refresh the clock now and then in long bursts so send times stay honest.
      if ((++n & 63) === 0) now = performance.now();
    }
    if (off === Infinity) return; // everything handed out; the end timer drains
    const delay = t0 + off - SEND_AHEAD_MS - performance.now();
    this.schedTimer = setTimeout(this.schedule, delay > 1 ? delay : delay > 0 ? 1 : 0);
  };

  private dispatchOpen(ep: number, intended: number, k: number, now: number): void {
    const c = this.takeIdle();
    if (c !== null) {
      this.busy++;
      return c.send(ep, intended, k, false, now);
    }
    if (this.conns.length < this.plan.maxConnections) {
      this.busy++;
      return this.openConn().hold(ep, intended, k, false, now);
    }
    // Every connection busy and the cap reached: drop and count it, as k6's arrival-rate executors do.
    this.recorder.recordDropped();
  }

  // ---- timeouts, seconds, lifecycle ----------------------------------------------------------------------

  private sweep = (): void => {
    const now = performance.now();
    const limit = this.spec.timeoutMs;
    // Iterate over a copy: fail() mutates the array.
    for (const c of this.conns.slice()) {
      if (c.ep >= 0 && (c.state === C_BUSY || c.state === C_CONNECTING) && now - c.started > limit) c.fail('timeout');
    }
  };

  private gauges(now: number) {
    // The final snapshot is taken after the drain; report the gauges as they were just before the end.
    const t = Math.min((now - this.t0) / 1000, this.plan.durationSec - 1e-6);
    return this.plan.kind === 'closed'
      ? { activeVus: this.phase === 'running' ? this.activeVus() : shardActiveVusAt(this.plan, t), targetRate: null }
      : { activeVus: null, targetRate: shardTargetRateAt(this.plan, t) };
  }

  private emitSecond(): void {
    const snap = this.recorder.takeSecond(this.second, this.gauges(performance.now()));
    this.second++;
    try {
      this.opts.onSecond?.(snap);
    } catch (e) {
      this.abort(`onSecond callback failed: ${(e as Error).message}`);
      return;
    }
    if (this.hasAbortAssertions && !this.aborted) {
      const elapsed = (performance.now() - this.t0) / 1000;
      const v = evaluateLive(this.spec.assertions, this.recorder.assertionSummary(elapsed), this.opts.liveGrace);
      if (v.abort) this.abort(v.reason!);
    }
  }

  private secondTick = (): void => {
    if (this.phase === 'done') return;
    if (this.second < this.lastSecond) this.emitSecond();
    if ((this.phase as Phase) === 'done' || this.second >= this.lastSecond) return; // emitSecond may abort
    const next = this.t0 + (this.second + 1) * 1000 - performance.now();
    this.secTimer = setTimeout(this.secondTick, next > 0 ? next : 0);
  };

  private warmConnections(n: number): Promise<void> {
    if (n <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      let pending = n;
      const done = () => {
        if (--pending === 0) resolve();
      };
      for (let i = 0; i < n; i++) {
        const c = this.openConn();
        c.socket.once(this.target.protocol === 'https:' ? 'secureConnect' : 'connect', done);
        c.socket.once('close', done);
      }
      // Never wait long: an unreachable target shows up as connect errors in the run itself.
      const t = setTimeout(resolve, Math.min(this.spec.timeoutMs, 2000));
      t.unref();
    });
  }

  async run(): Promise<LoadResult> {
    const signal = this.opts.signal;
    const onAbort = () => this.abort(signal?.reason instanceof Error ? signal.reason.message : typeof signal?.reason === 'string' ? signal.reason : 'aborted');
    if (signal?.aborted) {
      this.aborted = true;
      this.abortReason = 'aborted before start';
      this.phase = 'done';
      this.t0 = this.finishedAt = performance.now();
      return this.result();
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      // Warm connections before t0 so the first second does not measure TCP handshakes.
      const warm =
        this.plan.kind === 'closed'
          ? shardActiveVusAt(this.plan, 0)
          : Math.min(this.plan.maxConnections, Math.max(1, Math.ceil(shardTargetRateAt(this.plan, 0) / 100)));
      await this.warmConnections(Math.min(warm, this.plan.kind === 'closed' ? this.plan.peakVus : this.plan.maxConnections));
      if (this.aborted) return this.abortedBeforeStart();
      const startAt = this.opts.startAt;
      if (startAt !== undefined) {
        this.t0 = performance.now() + (startAt - Date.now());
        const wait = this.t0 - performance.now();
        if (wait > 0) await this.sleepUnlessAborted(wait);
        if (this.aborted) return this.abortedBeforeStart();
      } else this.t0 = performance.now();

      const done = new Promise<void>((r) => (this.resolveDone = r));
      this.phase = 'running';
      this.endAt = this.t0 + this.plan.durationSec * 1000;
      this.lastSecond = Math.max(1, Math.ceil(this.plan.durationSec - 1e-9)) - 1;
      this.intervals.push(setInterval(this.sweep, Math.max(5, Math.min(100, this.spec.timeoutMs / 10))));
      this.secTimer = setTimeout(this.secondTick, Math.max(0, this.t0 + 1000 - performance.now()));
      this.endTimer = setTimeout(() => this.beginDrain(), Math.max(0, this.endAt - performance.now()));
      const now = performance.now();
      if (this.plan.kind === 'open') {
        this.cursor = openCursor(this.plan);
        this.schedule();
      } else {
        this.adjustVus(now);
        if (this.spec.stages.length > 0) this.intervals.push(setInterval(() => this.phase === 'running' && this.adjustVus(performance.now()), 100));
      }
      await done;
      return this.result();
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.cleanup();
    }
  }

  private abortedBeforeStart(): LoadResult {
    this.phase = 'done';
    this.t0 = this.finishedAt = performance.now();
    return this.result();
  }

  private sleepUnlessAborted(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wakeEarly = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  private beginDrain(): void {
    if (this.phase !== 'running') return;
    if (this.schedTimer) clearTimeout(this.schedTimer);
    // The end timer can fire before a late schedule timer: hand out what is left (all of it is due by now).
    if (this.cursor && this.cursor.peekIndex() >= 0) this.schedule();
    this.phase = 'draining';
    for (const vu of this.vus) {
      vu.active = false;
      if (!vu.inFlight) this.vuRelease(vu);
    }
    if (this.busy <= 0) return this.finish();
    // In-flight requests get up to their timeout (the sweeper fails them); this is only a safety net.
    this.endTimer = setTimeout(() => this.finish(), this.spec.timeoutMs + 250);
  }

  private finish(): void {
    if (this.phase === 'done') return;
    this.phase = 'done';
    this.finishedAt = performance.now();
    // Requests completing during the drain belong to the last second, so a full run has exactly ceil(D) seconds.
    while (this.second <= this.lastSecond) this.emitSecond();
    this.resolveDone?.();
  }

  abort(reason: string): void {
    if (this.aborted || this.phase === 'done') return;
    this.aborted = true;
    this.abortReason = reason;
    if (this.phase === 'starting') {
      this.wakeEarly?.(); // run() checks the flag after warm-up / the wait for startAt
      return;
    }
    this.phase = 'done';
    this.finishedAt = performance.now();
    // In-flight requests are abandoned, not counted: they never finished.
    for (const c of this.conns.slice()) {
      c.ep = -1;
      c.state = C_CLOSED;
      c.socket.destroy();
    }
    const snap = this.recorder.takeSecond(this.second, this.gauges(this.finishedAt));
    this.second++;
    try {
      this.opts.onSecond?.(snap);
    } catch {
      /* already aborting */
    }
    this.resolveDone?.();
  }

  private cleanup(): void {
    if (this.schedTimer) clearTimeout(this.schedTimer);
    if (this.secTimer) clearTimeout(this.secTimer);
    if (this.endTimer) clearTimeout(this.endTimer);
    for (const t of this.intervals) clearInterval(t);
    for (const vu of this.vus) if (vu.timer) clearTimeout(vu.timer);
    for (const c of this.conns.slice()) {
      c.state = C_CLOSED;
      c.socket.destroy();
    }
    this.conns.length = 0;
    this.idle.length = 0;
  }

  private result(): LoadResult {
    const elapsedSec = Math.max(1e-3, (this.finishedAt - this.t0) / 1000);
    const totals = this.recorder.totals();
    const requests = totals.overall.requests;
    const assertions =
      (this.opts.evaluateAssertions ?? true) && this.spec.assertions.length
        ? evaluateAssertions(this.spec.assertions, this.recorder.assertionSummary(elapsedSec))
        : [];
    return {
      startedAt: this.opts.startAt ?? Math.round(Date.now() - (performance.now() - this.t0)),
      elapsedSec,
      requests,
      rps: requests / elapsedSec,
      failed: totals.overall.failed,
      errorRate: requests ? totals.overall.failed / requests : 0,
      lateStarts: this.recorder.lateStarts,
      dropped: this.recorder.dropped,
      scheduled: this.plan.kind === 'open' ? this.plan.scheduledRequests : null,
      overall: totals.overall,
      byEndpoint: totals.byEndpoint,
      seconds: this.second,
      aborted: this.aborted,
      abortReason: this.abortReason,
      assertions,
      shard: { index: this.plan.index, count: this.plan.count },
    };
  }
}

/**
 * Run a load test (or one shard of it) in this process and resolve with its totals. Never rejects for target
 * errors during the run (they are counted); rejects with LoadTargetError for a bad or disallowed target and with
 * a ZodError for an invalid spec.
 */
export async function runLoad(spec: ScenarioSpec | ScenarioSpecInput, opts: RunLoadOptions): Promise<LoadResult> {
  const parsed = scenarioSpecSchema.parse(spec);
  const target = await resolveTarget(opts.baseUrl, opts.allowedHosts);
  return new Engine(parsed, target, opts).run();
}

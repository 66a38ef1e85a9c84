// What a launch is allowed to do: per-role caps on rate, virtual users, duration, shards and connections, and the
// allow-list (every request goes to the registered target's host; redirects are never followed by the engine).
// Pure: the service turns violations into an audited 403.
import type { Role } from '../auth/roles';
import type { ScenarioSpec } from './schema';

export interface RoleCaps {
  maxRate: number;
  maxVus: number;
  maxDurationSec: number;
  maxShards: number;
  maxConnections: number;
}

/** Viewers cannot launch at all; approvers launch like operators; admins get room for soaks and big runs. */
export const ROLE_CAPS: Readonly<Record<Exclude<Role, 'viewer'>, RoleCaps>> = {
  operator: { maxRate: 500, maxVus: 200, maxDurationSec: 600, maxShards: 4, maxConnections: 1000 },
  approver: { maxRate: 500, maxVus: 200, maxDurationSec: 600, maxShards: 4, maxConnections: 1000 },
  admin: { maxRate: 5000, maxVus: 2000, maxDurationSec: 7200, maxShards: 16, maxConnections: 10_000 },
};

export function capsFor(role: Role): RoleCaps | null {
  return role === 'viewer' ? null : ROLE_CAPS[role];
}

export interface PeakLoad {
  kind: 'open' | 'closed';
  /** Open model: the highest arrival rate any stage reaches (req/s). */
  peakRate: number | null;
  /** Closed model: the most virtual users at once. */
  peakVus: number | null;
  durationSec: number;
}

export function peakLoad(spec: Pick<ScenarioSpec, 'model' | 'stages' | 'durationSec'>): PeakLoad {
  const start = spec.model.kind === 'open' ? spec.model.rate : spec.model.vus;
  const peak = Math.max(start, ...spec.stages.map((s) => s.target));
  return {
    kind: spec.model.kind,
    peakRate: spec.model.kind === 'open' ? peak : null,
    peakVus: spec.model.kind === 'closed' ? peak : null,
    durationSec: spec.durationSec,
  };
}

const fmtDuration = (sec: number) => (sec >= 60 && sec % 60 === 0 ? `${sec / 60} min` : `${+sec.toFixed(1)} s`);

/** One sentence per cap the launch would exceed; empty when it is within the role's caps. */
export function checkCaps(spec: Pick<ScenarioSpec, 'model' | 'stages' | 'durationSec' | 'maxConnections'>, shards: number, role: Role): string[] {
  const caps = capsFor(role);
  if (!caps) return ['viewers cannot launch load tests (needs the operator role)'];
  const p = peakLoad(spec);
  const out: string[] = [];
  const who = `the ${role} role`;
  if (p.peakRate !== null && p.peakRate > caps.maxRate) out.push(`this scenario peaks at ${+p.peakRate.toFixed(2)} req/s; ${who} may run at most ${caps.maxRate} req/s`);
  if (p.peakVus !== null && p.peakVus > caps.maxVus) out.push(`this scenario peaks at ${p.peakVus} virtual users; ${who} may run at most ${caps.maxVus}`);
  if (spec.durationSec > caps.maxDurationSec) out.push(`this scenario lasts ${fmtDuration(spec.durationSec)}; ${who} may run at most ${fmtDuration(caps.maxDurationSec)}`);
  if (spec.maxConnections > caps.maxConnections) out.push(`this scenario allows ${spec.maxConnections} connections; ${who} may open at most ${caps.maxConnections}`);
  if (shards > caps.maxShards) out.push(`${shards} shards requested; ${who} may split a run into at most ${caps.maxShards}`);
  return out;
}

export interface AllowListResult {
  /** The only host requests may go to (the target's), lower-case, without brackets. */
  host: string;
  /** Problems keyed like the spec's zod paths ("endpoints.2.path"), or "baseUrl". */
  problems: { field: string; message: string }[];
}

/**
 * Every endpoint is `<target base URL><path>`: check that each resolves to the target's own host. The spec schema
 * already requires paths to start with "/" and forbids a Host header; this also refuses "//other-host/…" (which a
 * URL parser reads as another host) and backslash tricks, so what the form shows is exactly what is hit.
 */
export function checkAllowList(baseUrl: string, spec: Pick<ScenarioSpec, 'endpoints'>): AllowListResult {
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch {
    return { host: '', problems: [{ field: 'baseUrl', message: `the target's base URL is not a valid URL: ${baseUrl}` }] };
  }
  const host = base.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const problems: AllowListResult['problems'] = [];
  if (base.protocol !== 'http:' && base.protocol !== 'https:') problems.push({ field: 'baseUrl', message: `the target's base URL must be http:// or https:// (got ${base.protocol})` });
  const basePath = base.pathname.replace(/\/+$/, '');
  spec.endpoints.forEach((e, i) => {
    const field = `endpoints.${i}.path`;
    if (!e.path.startsWith('/') || e.path.startsWith('//') || e.path.includes('\\')) {
      problems.push({ field, message: `"${e.path}" must be a path on the target (one leading "/", no "//" or "\\"): requests only go to ${host}` });
      return;
    }
    let url: URL;
    try {
      url = new URL(`${base.protocol}//${base.host}${basePath}${e.path}`);
    } catch {
      problems.push({ field, message: `"${e.path}" does not form a valid URL with the target's base URL` });
      return;
    }
    if (url.hostname.replace(/^\[|\]$/g, '').toLowerCase() !== host || url.port !== base.port) {
      problems.push({ field, message: `"${e.path}" resolves to ${url.host}, not the registered target ${base.host}` });
    }
  });
  for (const [i, e] of spec.endpoints.entries()) {
    for (const k of Object.keys(e.headers ?? {})) {
      if (k.toLowerCase() === 'host') problems.push({ field: `endpoints.${i}.headers`, message: 'the Host header is set from the target and cannot be overridden' });
    }
  }
  return { host, problems };
}

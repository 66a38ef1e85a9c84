import { describe, expect, it } from 'vitest';
import { collectorSettingsSchema, INGEST_MAX_SAMPLES, parseSlowQueryParams, validateIngestBody } from './schema';

const NOW = Date.parse('2026-12-04T20:45:31.000Z');
const sample = (extra: Record<string, unknown> = {}) => ({ query: 'SELECT * FROM leads WHERE id = $1', durationMs: 12.3, at: '2026-12-04T20:45:30.683Z', ...extra });

describe('validateIngestBody', () => {
  it('accepts the body the demo tracker sends, with and without a plan', () => {
    const plan = [{ Plan: { 'Node Type': 'Seq Scan', 'Total Cost': 10 } }];
    const r = validateIngestBody({ target: 'Lead-gen demo', samples: [sample(), sample({ plan })] }, { now: NOW });
    expect(r.ok).toBe(true);
    expect(r.ok && r.body.samples[1].plan).toEqual(plan);
  });

  it('names each bad field the way a client developer reads it', () => {
    const r = validateIngestBody(
      { target: '', samples: [sample(), sample({ durationMs: -1 }), sample({ at: 'yesterday' }), sample({ query: '' }), sample({ durationMs: '5' })] },
      { now: NOW },
    );
    expect(r.ok).toBe(false);
    const issues = !r.ok ? Object.fromEntries(r.issues.map((i) => [i.field, i.message])) : {};
    expect(issues).toMatchObject({
      target: 'must not be empty',
      'samples[1].durationMs': 'must be ≥ 0',
      'samples[2].at': expect.stringContaining('ISO 8601'),
      'samples[3].query': 'must not be empty',
      'samples[4].durationMs': 'must be a number of milliseconds',
    });
  });

  it('rejects unknown fields, non-objects, empty and oversized batches', () => {
    const unknown = validateIngestBody({ target: 't', samples: [sample({ duration: 3 })] }, { now: NOW });
    expect(!unknown.ok && unknown.issues[0]).toEqual({ field: 'samples[0]', message: 'unknown field(s): duration (allowed: query, durationMs, at, plan)' });
    const top = validateIngestBody({ target: 't', samples: [sample()], extra: 1 }, { now: NOW });
    expect(!top.ok && top.issues[0].message).toContain('unknown field(s): extra');
    expect(validateIngestBody([], { now: NOW })).toEqual({ ok: false, issues: [{ field: '', message: expect.stringContaining('must be a JSON object') }] });
    expect(validateIngestBody(null)).toMatchObject({ ok: false });
    const empty = validateIngestBody({ target: 't', samples: [] }, { now: NOW });
    expect(!empty.ok && empty.issues[0]).toEqual({ field: 'samples', message: 'must hold at least one sample' });
    const big = validateIngestBody({ target: 't', samples: Array.from({ length: INGEST_MAX_SAMPLES + 1 }, () => sample()) }, { now: NOW });
    expect(!big.ok && big.issues[0].message).toContain(`at most ${INGEST_MAX_SAMPLES} samples`);
    const missing = validateIngestBody({ samples: [sample()] }, { now: NOW });
    expect(!missing.ok && missing.issues[0]).toEqual({ field: 'target', message: 'must be the target name (a string)' });
  });

  it('rejects plans that are not JSON objects and clocks that are far off', () => {
    const p = validateIngestBody({ target: 't', samples: [sample({ plan: 'Seq Scan' })] }, { now: NOW });
    expect(!p.ok && p.issues[0].field).toBe('samples[0].plan');
    const skew = validateIngestBody({ target: 't', samples: [sample({ at: '2020-01-01T00:00:00Z' })] }, { now: NOW });
    expect(!skew.ok && skew.issues[0]).toEqual({ field: 'samples[0].at', message: 'must be within 7 days of now (check the clock)' });
    const inf = validateIngestBody({ target: 't', samples: [sample({ durationMs: Number.POSITIVE_INFINITY })] }, { now: NOW });
    expect(inf.ok).toBe(false);
  });

  it('caps the number of issues it reports', () => {
    const r = validateIngestBody({ target: 't', samples: Array.from({ length: 100 }, () => sample({ durationMs: -1 })) }, { now: NOW });
    expect(!r.ok && r.issues.length).toBe(20);
  });
});

describe('parseSlowQueryParams', () => {
  it('defaults everything', () => {
    expect(parseSlowQueryParams({})).toEqual({ ok: true, params: { window: '24h', sort: 'total_time', order: 'desc', show: 'slow', limit: 50 } });
  });

  it('reads Next searchParams and URLSearchParams alike, ignoring what belongs to the page', () => {
    expect(parseSlowQueryParams({ target: 'abc', sort: 'calls', order: 'asc', window: '1h', show: 'all', limit: '10' }, { ignore: ['target'] })).toEqual({
      ok: true,
      params: { window: '1h', sort: 'calls', order: 'asc', show: 'all', limit: 10 },
    });
    expect(parseSlowQueryParams(new URLSearchParams('sort=mean_time&window=&limit=5'))).toEqual({
      ok: true,
      params: { window: '24h', sort: 'mean_time', order: 'desc', show: 'slow', limit: 5 },
    });
  });

  it('explains bad values, unknown and repeated parameters, keeping the valid ones', () => {
    const r = parseSlowQueryParams(new URLSearchParams('sort=speed&window=1h&limit=0&foo=1&order=asc&order=desc'));
    expect(r.ok).toBe(false);
    expect(r.params).toMatchObject({ window: '1h', sort: 'total_time', limit: 50 });
    const msgs = !r.ok ? r.issues.map((i) => i.message) : [];
    expect(msgs).toEqual(
      expect.arrayContaining([
        'order is given more than once',
        'sort must be one of: total_time, mean_time, calls, p95',
        'limit must be between 1 and 500',
        'unknown parameter(s): foo',
      ]),
    );
    const arr = parseSlowQueryParams({ sort: ['calls', 'mean_time'] });
    expect(!arr.ok && arr.issues[0].message).toBe('sort is given more than once');
  });
});

describe('collectorSettingsSchema', () => {
  it('coerces form strings and bounds every field', () => {
    expect(
      collectorSettingsSchema.parse({ enabled: true, intervalMinutes: '5', retentionDays: '7', maxSnapshots: '2016', sampleRetentionHours: '24', slowMeanMs: '100', slowSharePct: '5' }),
    ).toMatchObject({ intervalMinutes: 5, slowMeanMs: 100 });
    const bad = collectorSettingsSchema.safeParse({ intervalMinutes: '0', retentionDays: '365', maxSnapshots: '1', sampleRetentionHours: '1000', slowMeanMs: 'x', slowSharePct: '0' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path[0]).sort()).toEqual(['intervalMinutes', 'maxSnapshots', 'retentionDays', 'sampleRetentionHours', 'slowMeanMs', 'slowSharePct']);
  });
});

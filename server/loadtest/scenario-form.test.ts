import { describe, expect, it } from 'vitest';
import { applyPreset, draftToSpecInput, numberOrText, parseHeaderLines, specToDraft, syncDuration } from './scenario-form';
import { describeSpecErrors, parseScenarioSpec, scenarioPresets, scenarioSpecSchema } from './schema';

const presets = scenarioPresets([{ name: 'search', method: 'GET', path: '/api/v1/leads?status=new' }]);

describe('scenario draft', () => {
  it('round-trips every preset: spec → draft → spec input parses back to the same spec', () => {
    // abortOnFail: false and an absent abortOnFail mean the same; compare without that difference.
    const norm = (spec: ReturnType<typeof parseScenarioSpec>) => ({ ...spec, assertions: spec.assertions.map((a) => ({ ...a, abortOnFail: !!a.abortOnFail })) });
    for (const p of presets) expect(norm(parseScenarioSpec(draftToSpecInput(specToDraft(p.spec)))), p.name).toEqual(norm(p.spec));
  });

  it('keeps headers and bodies', () => {
    const spec = parseScenarioSpec({
      endpoints: [{ name: 'create', method: 'POST', path: '/api/v1/leads', weight: 2, headers: { 'X-Api-Key': 'k', Accept: 'application/json' }, body: '{"n":{{seq}}}' }],
      model: { kind: 'closed', vus: 3, thinkTimeMs: 100 },
      durationSec: 5,
      timeoutMs: 1000,
      maxConnections: 3,
    });
    const draft = specToDraft(spec);
    expect(draft.endpoints[0].headers).toBe('X-Api-Key: k\nAccept: application/json');
    expect(parseScenarioSpec(draftToSpecInput(draft))).toEqual(spec);
  });

  it('sends text that is not a number as text, so the server names the field and the problem', () => {
    const draft = specToDraft(presets[0].spec);
    draft.endpoints[0].weight = 'heavy';
    draft.rate = '';
    draft.stages = [{ durationSec: '10', target: 'lots' }];
    const r = scenarioSpecSchema.safeParse(draftToSpecInput(draft));
    expect(r.success).toBe(false);
    const msgs = describeSpecErrors(r.error!);
    expect(msgs).toContain('endpoints.0.weight: weight must be a number');
    expect(msgs).toContain('model.rate: rate (requests per second) must be a number');
    expect(msgs).toContain('stages.0.target: stage target must be a number');
    expect(numberOrText(' 12 ')).toBe(12);
    expect(numberOrText('1e3')).toBe(1000);
  });

  it('parses header lines, leaving malformed ones for the validator to name', () => {
    expect(parseHeaderLines('A: 1\n\n  B:two words  ')).toEqual({ A: '1', B: 'two words' });
    expect(parseHeaderLines('')).toBeUndefined();
    const r = scenarioSpecSchema.safeParse({ ...draftToSpecInput(specToDraft(presets[0].spec)), endpoints: [{ name: 'a', method: 'GET', path: '/', weight: 1, headers: parseHeaderLines('no colon here') }] });
    expect(describeSpecErrors(r.error!)).toEqual(['endpoints.0.headers: header name "no colon here" is not a valid HTTP header name']);
  });

  it('applying a preset keeps the endpoints and brings model, stages, duration and assertions', () => {
    const mine = specToDraft(parseScenarioSpec({ endpoints: [{ name: 'home', method: 'GET', path: '/', weight: 1 }], model: { kind: 'open', rate: 1 }, durationSec: 3, timeoutMs: 100, maxConnections: 1 }));
    const stress = presets.find((p) => p.name === 'stress')!;
    const d = applyPreset(mine, stress.spec);
    expect(d.endpoints.map((e) => e.name)).toEqual(['home']);
    expect(d.stages).toHaveLength(stress.spec.stages.length);
    expect(d.durationSec).toBe('60');
    expect(parseScenarioSpec(draftToSpecInput(d)).model).toEqual(stress.spec.model);
  });

  it('keeps the duration equal to the sum of the stages', () => {
    const d = specToDraft(presets.find((p) => p.name === 'peak')!.spec);
    d.stages[1].durationSec = '5';
    expect(syncDuration(d).durationSec).toBe('20');
    d.stages[1].durationSec = 'x';
    expect(syncDuration(d).durationSec).toBe(d.durationSec);
  });
});

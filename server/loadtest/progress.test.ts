import { describe, expect, it } from 'vitest';
import { expectedSeconds, progressAfter, stageAt } from './progress';
import { parseScenarioSpec } from './schema';

const base = { endpoints: [{ name: 'a', method: 'GET', path: '/', weight: 1 }], timeoutMs: 1000, maxConnections: 10 };

describe('stageAt', () => {
  it('describes a steady run', () => {
    const s = parseScenarioSpec({ ...base, model: { kind: 'open', rate: 20 }, durationSec: 30 });
    expect(stageAt(s, 3).label).toBe('steady · 20 req/s');
    const c = parseScenarioSpec({ ...base, model: { kind: 'closed', vus: 5, thinkTimeMs: 100 }, durationSec: 30 });
    expect(stageAt(c, 3)).toEqual({ number: 1, count: 1, label: 'steady · 5 VUs' });
  });

  it('names the stage, ramp or hold, and clamps past the end', () => {
    const s = parseScenarioSpec({
      ...base,
      model: { kind: 'open', rate: 10 },
      stages: [
        { durationSec: 15, target: 100 },
        { durationSec: 45, target: 100 },
      ],
      durationSec: 60,
    });
    expect(stageAt(s, 0).label).toBe('stage 1/2 · ramp 10 → 100 req/s');
    expect(stageAt(s, 15).label).toBe('stage 2/2 · hold 100 req/s');
    expect(stageAt(s, 999).number).toBe(2);
  });
});

describe('progress', () => {
  it('counts whole seconds as the engine emits them', () => {
    const s = parseScenarioSpec({ ...base, model: { kind: 'open', rate: 10 }, durationSec: 7.5 });
    expect(expectedSeconds(s)).toBe(8);
    expect(progressAfter(s, -1)).toBe(0);
    expect(progressAfter(s, 3)).toBe(0.5);
    expect(progressAfter(s, 20)).toBe(1);
  });
});

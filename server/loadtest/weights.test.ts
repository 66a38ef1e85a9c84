import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createWeightedPicker, weightedSequence } from './weights';

describe('smooth weighted round-robin', () => {
  it('over 10,000 picks each endpoint is within ±1 pp of its share (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 20 }), (weights) => {
        const total = weights.reduce((a, b) => a + b, 0);
        const picker = createWeightedPicker(weights);
        const counts = new Array<number>(weights.length).fill(0);
        for (let k = 0; k < 10_000; k++) counts[picker.next()]++;
        weights.forEach((w, i) => {
          expect(Math.abs(counts[i] / 10_000 - w / total)).toBeLessThanOrEqual(0.01);
        });
      }),
      { numRuns: 200, seed: 42 },
    );
  });

  it('is exact over every full period', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 8 }), (weights) => {
        const seq = weightedSequence(weights);
        const counts = new Array<number>(weights.length).fill(0);
        for (const i of seq) counts[i]++;
        expect(counts).toEqual(weights);
      }),
      { seed: 7 },
    );
  });

  it('spreads picks smoothly (nginx example 5,1,1)', () => {
    const picker = createWeightedPicker([5, 1, 1]);
    const seq = Array.from({ length: 7 }, () => picker.next());
    expect(seq).toEqual([0, 0, 1, 0, 2, 0, 0]);
  });

  it('rejects bad weights with a readable message', () => {
    expect(() => createWeightedPicker([1, 0])).toThrow('weight must be a whole number ≥ 1');
    expect(() => createWeightedPicker([1.5])).toThrow('weight must be a whole number ≥ 1');
    expect(() => createWeightedPicker([])).toThrow('at least one weight');
  });
});

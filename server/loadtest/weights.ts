// Smooth weighted round-robin (nginx's algorithm). Unlike random picking it is exact: in every window of
// sum(weights) consecutive picks each endpoint appears exactly `weight` times, and picks are spread out
// (weights 5,1,1 give a a b a c a a, not a a a a a b c). Pure.

export interface WeightedPicker {
  /** Index of the next endpoint. */
  next(): number;
}

function checkWeights(weights: readonly number[]): number {
  if (weights.length === 0) throw new Error('at least one weight is required');
  let total = 0;
  for (const w of weights) {
    if (!Number.isInteger(w) || w < 1) throw new Error('weight must be a whole number ≥ 1');
    total += w;
  }
  return total;
}

export function createWeightedPicker(weights: readonly number[]): WeightedPicker {
  const total = checkWeights(weights);
  const n = weights.length;
  if (n === 1) return { next: () => 0 };
  const current = new Float64Array(n);
  return {
    next() {
      let best = 0;
      let bestVal = -Infinity;
      for (let i = 0; i < n; i++) {
        const c = (current[i] += weights[i]);
        // Strict ">" keeps ties on the lowest index, so the sequence is deterministic.
        if (c > bestVal) {
          bestVal = c;
          best = i;
        }
      }
      current[best] -= total;
      return best;
    },
  };
}

/**
 * One full period of the smooth weighted round-robin sequence (length = sum of weights). Because the sequence
 * is periodic, pick k is `sequence[k % length]`; the open-model schedule uses this so that sharded runs
 * (shard i takes picks k ≡ i mod n) together issue exactly the unsharded sequence.
 */
export function weightedSequence(weights: readonly number[]): Uint16Array {
  const total = checkWeights(weights);
  if (weights.length > 65_535) throw new Error('too many endpoints');
  const picker = createWeightedPicker(weights);
  const seq = new Uint16Array(total);
  for (let k = 0; k < total; k++) seq[k] = picker.next();
  return seq;
}

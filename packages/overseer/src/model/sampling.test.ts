import { describe, expect, it } from 'vitest';
import { Random } from '../util/random.ts';
import { logSoftmax, sampleToken, validateSamplingOptions } from './sampling.ts';

const logits = Float32Array.from([0, Math.log(2), Math.log(4), Math.log(1)]); // p ∝ 1, 2, 4, 1

function frequencies(options: Parameters<typeof sampleToken>[1], excluded?: Set<number>) {
  const random = new Random(9);
  const counts = new Array(logits.length).fill(0);
  const draws = 20000;
  for (let i = 0; i < draws; i++) counts[sampleToken(logits, options, random, excluded).token]++;
  return counts.map((count) => count / draws);
}

describe('sampleToken', () => {
  it('samples in proportion to the model at temperature 1, with both log-probs equal', () => {
    const observed = frequencies({});
    [1 / 8, 2 / 8, 4 / 8, 1 / 8].forEach((p, i) => expect(observed[i]).toBeCloseTo(p, 1));
    const choice = sampleToken(logits, {}, new Random(1));
    expect(choice.logProb).toBeCloseTo(choice.modelLogProb, 6);
    expect(Math.exp(choice.modelLogProb)).toBeCloseTo([1, 2, 4, 1][choice.token] / 8, 6);
  });

  it('is greedy at temperature 0, with sampling log-prob 0 and the model log-prob kept', () => {
    const choice = sampleToken(logits, { temperature: 0 }, new Random(1));
    expect([choice.token, choice.logProb]).toEqual([2, 0]);
    expect(choice.modelLogProb).toBeCloseTo(Math.log(4 / 8), 6);
  });

  it('breaks greedy ties towards the lower id', () => {
    const tied = Float32Array.from([1, 3, 3, 0]);
    expect(sampleToken(tied, { temperature: 0 }, new Random(1)).token).toBe(1);
  });

  it('reports the tempered, truncated distribution as the sampling log-prob', () => {
    // top-k 2 keeps ids 2 and 1 (p ∝ 4, 2) → 2/3, 1/3.
    const random = new Random(3);
    for (let i = 0; i < 20; i++) {
      const choice = sampleToken(logits, { topK: 2 }, random);
      expect([1, 2]).toContain(choice.token);
      expect(choice.logProb).toBeCloseTo(Math.log(choice.token === 2 ? 2 / 3 : 1 / 3), 6);
      expect(choice.modelLogProb).toBeCloseTo(Math.log(choice.token === 2 ? 4 / 8 : 2 / 8), 6);
    }
    // temperature 0.5 squares the probabilities: ∝ 1, 4, 16, 1.
    const tempered = sampleToken(logits, { temperature: 0.5 }, new Random(4));
    expect(Math.exp(tempered.logProb)).toBeCloseTo([1, 4, 16, 1][tempered.token] / 22, 6);
  });

  it('keeps the nucleus whose probability first reaches top-p', () => {
    // Sorted p: 0.5 (id 2), 0.25 (id 1), 0.125, 0.125; top-p 0.7 keeps ids 2 and 1.
    const observed = frequencies({ topP: 0.7 });
    expect(observed[0] + observed[3]).toBe(0);
    expect(observed[2]).toBeCloseTo(2 / 3, 1);
    expect(frequencies({ topP: 0.5 })[2]).toBe(1);
  });

  it('never chooses excluded tokens', () => {
    const observed = frequencies({}, new Set([2]));
    expect(observed[2]).toBe(0);
    expect(observed[1]).toBeCloseTo(0.5, 1);
    expect(sampleToken(logits, { temperature: 0 }, new Random(1), new Set([2])).token).toBe(1);
    expect(() => sampleToken(logits, {}, new Random(1), new Set([0, 1, 2, 3]))).toThrow(
      /every token is excluded/,
    );
  });

  it('is deterministic for a seed', () => {
    const draw = () => {
      const random = new Random(42);
      return Array.from({ length: 30 }, () => sampleToken(logits, {}, random).token);
    };
    expect(draw()).toEqual(draw());
  });
});

/** sampleToken as it was before its sort became a typed-array sort: the yardstick of that change. */
function comparatorSampleToken(
  logits: Float32Array,
  options: { temperature?: number; topK?: number; topP?: number },
  random: Random,
  excluded: ReadonlySet<number>,
) {
  const { temperature = 1, topK = 0, topP = 1 } = options;
  const modelLogProbs = logSoftmax(logits, new Float64Array(logits.length));
  const candidates: number[] = [];
  for (let id = 0; id < logits.length; id++) if (!excluded.has(id)) candidates.push(id);
  candidates.sort((a, b) => logits[b] - logits[a] || a - b);
  if (temperature === 0) {
    return { token: candidates[0], logProb: 0, modelLogProb: modelLogProbs[candidates[0]] };
  }
  let kept = topK > 0 ? Math.min(topK, candidates.length) : candidates.length;
  const top = logits[candidates[0]] / temperature;
  const weights = new Float64Array(kept);
  let total = 0;
  for (let i = 0; i < kept; i++) {
    weights[i] = Math.exp(logits[candidates[i]] / temperature - top);
    total += weights[i];
  }
  if (topP < 1) {
    let cumulative = 0;
    for (let i = 0; i < kept; i++) {
      cumulative += weights[i] / total;
      if (cumulative >= topP) {
        kept = i + 1;
        break;
      }
    }
    total = 0;
    for (let i = 0; i < kept; i++) total += weights[i];
  }
  const threshold = random.next() * total;
  let cumulative = 0;
  let chosen = kept - 1;
  for (let i = 0; i < kept; i++) {
    cumulative += weights[i];
    if (threshold < cumulative) {
      chosen = i;
      break;
    }
  }
  const token = candidates[chosen];
  return {
    token,
    logProb: Math.log(weights[chosen] / total),
    modelLogProb: modelLogProbs[token],
  };
}

describe('sampleToken against the comparator-sort version', () => {
  it('chooses the same tokens with the same log-probs, ties, signed zeros and NaN included', () => {
    const source = new Random(17);
    const optionSets = [{}, { temperature: 0 }, { temperature: 0.7, topK: 5 }, { topP: 0.9 }];
    const mine = new Random(3);
    const theirs = new Random(3);
    for (let trial = 0; trial < 400; trial++) {
      const vocab = [4, 14, 64, 200][trial % 4];
      // Coarse values make ties common; a few rows mix in −0, +0 and (rarely) NaN.
      const logits = Float32Array.from(
        { length: vocab },
        () => Math.round(source.normal(0, 2) * 4) / 4,
      );
      if (trial % 7 === 0) logits.fill(-0, 0, Math.min(3, vocab));
      if (trial % 7 === 1) logits[vocab - 1] = 0;
      if (trial % 97 === 5) logits[1] = Number.NaN;
      const excluded = new Set(trial % 3 === 0 ? [0] : trial % 3 === 1 ? [0, 1] : []);
      const options = optionSets[trial % optionSets.length];
      const expected = comparatorSampleToken(logits, options, theirs, excluded);
      const actual = sampleToken(logits, options, mine, excluded);
      expect(actual, `trial ${trial}`).toEqual(expected);
    }
  });
});

describe('logSoftmax', () => {
  it('normalises and survives large logits', () => {
    const out = logSoftmax([1000, 1000], new Float64Array(2));
    expect(out[0]).toBeCloseTo(Math.log(0.5), 12);
  });
});

describe('validateSamplingOptions', () => {
  it('names the bad option', () => {
    expect(() => validateSamplingOptions({ temperature: -1 })).toThrow(/temperature -1/);
    expect(() => validateSamplingOptions({ topK: 1.5 })).toThrow(/top-k 1.5/);
    expect(() => validateSamplingOptions({ topP: 0 })).toThrow(/top-p 0/);
    expect(() => validateSamplingOptions({ topP: 1.2 })).toThrow(/top-p 1.2/);
    validateSamplingOptions({ temperature: 0, topK: 3, topP: 0.9 });
  });
});

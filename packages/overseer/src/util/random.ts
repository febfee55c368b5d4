/**
 * A small seeded pseudo-random generator (xoshiro128**, seeded through splitmix32) and `deriveSeed`,
 * so that every random choice of a run — the embedded model's initialisation, batch order and
 * sampling, a scaffold's or an overseer's request seeds, a trainer's draws — is reproducible from
 * one integer seed and does not depend on `Math.random`. It lives in util/ because every room
 * derives seeds, not only the model.
 */
import { OverseerError } from '../errors.ts';

/** The four 32-bit words of a generator's state; enough to resume the stream exactly. */
export type RandomState = [number, number, number, number];

const TWO_POW_32 = 4294967296;

/** splitmix32: spreads a 32-bit seed into well-mixed words (xoshiro must not start near zero). */
function splitmix32(state: { value: number }): number {
  state.value = (state.value + 0x9e3779b9) | 0;
  let z = state.value;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** FNV-1a over the label's UTF-16 code units: a stable 32-bit hash for naming sub-streams. */
function hashLabel(label: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    hash = Math.imul(hash ^ label.charCodeAt(i), 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Derives an independent seed from a base seed and labels (e.g. `deriveSeed(seed, 'init')`,
 * `deriveSeed(seed, 'batch', step)`), so separate uses of one seed do not share a stream.
 */
export function deriveSeed(seed: number, ...labels: Array<string | number>): number {
  const state = { value: seed >>> 0 };
  let mixed = splitmix32(state);
  for (const label of labels) {
    const word = typeof label === 'number' ? label >>> 0 : hashLabel(label);
    state.value = (mixed ^ word) | 0;
    mixed = splitmix32(state);
  }
  return mixed;
}

/** A seeded xoshiro128** generator with uniform, integer and normal draws. */
export class Random {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  /** Seeds from any integer that fits in 32 bits (larger values are reduced modulo 2^32). */
  constructor(seed: number) {
    if (!Number.isInteger(seed)) {
      throw new OverseerError('random.seed', `a seed must be an integer, got ${seed}`, {
        hint: 'pass a whole number such as --seed 1',
      });
    }
    const state = { value: seed >>> 0 };
    this.s0 = splitmix32(state);
    this.s1 = splitmix32(state);
    this.s2 = splitmix32(state);
    this.s3 = splitmix32(state);
  }

  /** Rebuilds a generator from a saved state. */
  static fromState(state: RandomState): Random {
    const random = new Random(0);
    random.setState(state);
    return random;
  }

  /** The current state; `Random.fromState(r.state())` continues the same stream. */
  state(): RandomState {
    return [this.s0, this.s1, this.s2, this.s3];
  }

  /** Replaces the state (it must not be all zeros, which xoshiro never leaves). */
  setState(state: RandomState): void {
    if (state.length !== 4 || state.every((word) => word >>> 0 === 0)) {
      throw new OverseerError('random.state', 'a random state is four 32-bit words, not all zero');
    }
    [this.s0, this.s1, this.s2, this.s3] = state.map((word) => word >>> 0) as RandomState;
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotateLeft(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotateLeft(this.s3, 11);
    return result;
  }

  /** A uniform float in [0, 1) with 32 bits of randomness. */
  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** A uniform integer in [0, n), without modulo bias. */
  integer(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > TWO_POW_32) {
      throw new OverseerError('random.range', `integer(n) needs 1 ≤ n ≤ 2^32, got ${n}`);
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const value = this.nextUint32();
      if (value < limit) return value % n;
    }
  }

  /** A normal draw (Box–Muller, one value per call so the saved state is just the four words). */
  normal(mean = 0, standardDeviation = 1): number {
    // 1 - next() lies in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - this.next()));
    const angle = 2 * Math.PI * this.next();
    return mean + standardDeviation * radius * Math.cos(angle);
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.integer(i + 1);
      const swap = items[i];
      items[i] = items[j];
      items[j] = swap;
    }
    return items;
  }
}

function rotateLeft(value: number, bits: number): number {
  return (value << bits) | (value >>> (32 - bits));
}

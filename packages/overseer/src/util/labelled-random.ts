/**
 * Seeded randomness named by labels (mulberry32), for task families' generators and worlds:
 * everything a family draws comes from here, so the same seed gives the same world and the same
 * problems on every machine. Its stream is pinned by the families' tests, so it stays beside, not
 * merged into, util/random.ts (xoshiro128**, whose stream the model's tests pin).
 */

/** A deterministic source of random numbers. */
export interface LabelledRandom {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, bound). */
  integer(bound: number): number;
  /** An integer in [low, high], both ends included. */
  between(low: number, high: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** A shuffled copy. */
  shuffle<T>(items: readonly T[]): T[];
}

/** A 32-bit hash of a string (cyrb53's mixing folded to 32 bits): stable across runs and machines. */
export function hashString(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h1 ^ h2) >>> 0;
}

/**
 * A mulberry32 generator seeded from any number of parts (numbers or strings), so that separate
 * purposes (`world`, `generate`, a split, a difficulty) get independent streams from one seed.
 */
export function createRandom(...parts: Array<string | number>): LabelledRandom {
  let state = hashString(parts.join('\u0001'));
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const integer = (bound: number): number => Math.floor(next() * bound);
  return {
    next,
    integer,
    between: (low, high) => low + integer(high - low + 1),
    pick: (items) => {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[integer(items.length)];
    },
    shuffle: (items) => {
      const copy = [...items];
      for (let index = copy.length - 1; index > 0; index -= 1) {
        const other = integer(index + 1);
        [copy[index], copy[other]] = [copy[other], copy[index]];
      }
      return copy;
    },
  };
}

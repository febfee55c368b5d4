/**
 * A task family: a seeded generator of problems over a fixed "world", plus the weak expert's
 * knowledge (decomposition, local step checks) and a final grader. The core issue fills this out;
 * what the embedded model needs to train on a family is the alphabet and supervised pairs.
 */

/** A prompt and the completion a model should learn to produce after it. */
export interface SupervisedExample {
  prompt: string;
  completion: string;
}

/** What every task family offers, whatever else it adds. */
export interface TaskFamilyBase {
  /** Registry name, e.g. `addition`. */
  readonly name: string;
  /** Every character that may appear in a prompt or completion (the tokenizer's alphabet). */
  readonly alphabet: string;
  /**
   * Deterministic supervised pairs: the same options give the same list. `split` keeps train and
   * held-out test problems disjoint.
   */
  supervised(options: {
    seed: number;
    count: number;
    split: 'train' | 'test';
  }): SupervisedExample[];
}

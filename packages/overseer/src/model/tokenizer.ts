/**
 * A character-level tokenizer over a task family's alphabet. Token 0 is padding, token 1 marks
 * the end of a completion (and, as GPT-2's `<|endoftext|>` does, the start of every sequence),
 * and the alphabet's characters follow in order.
 */
import { OverseerError } from '../errors.ts';

/** The serialised form stored in a checkpoint's config.json. */
export interface TokenizerJson {
  /** Always `character`. */
  type: 'character';
  /** Every character, in token order after the special tokens. */
  alphabet: string;
  /** Names of the special tokens, in id order (ids 0 … specials.length − 1). */
  specials: string[];
}

/** Padding: fills short rows of a batch; never a training target. */
export const PADDING_TOKEN = '<pad>';
/** End of a completion; also the first token of every sequence. */
export const END_TOKEN = '<end>';

const SPECIALS = [PADDING_TOKEN, END_TOKEN];

/** Maps text to token ids and back, one token per Unicode code point. */
export class Tokenizer {
  /** The characters this tokenizer knows, in token order. */
  readonly alphabet: string;
  /** Id of `<pad>`. */
  readonly paddingId = 0;
  /** Id of `<end>`. */
  readonly endId = 1;
  /** Number of token ids (special tokens plus alphabet). */
  readonly vocabSize: number;
  private readonly characters: string[];
  private readonly ids: Map<string, number>;

  constructor(alphabet: string) {
    const characters = Array.from(alphabet);
    if (characters.length === 0) {
      throw new OverseerError('tokenizer.empty-alphabet', 'a tokenizer needs a non-empty alphabet');
    }
    const ids = new Map<string, number>();
    for (const [index, character] of characters.entries()) {
      if (ids.has(character)) {
        throw new OverseerError(
          'tokenizer.duplicate-character',
          `the alphabet lists ${JSON.stringify(character)} twice`,
          { hint: 'list each character of the alphabet once' },
        );
      }
      ids.set(character, SPECIALS.length + index);
    }
    this.alphabet = characters.join('');
    this.characters = characters;
    this.ids = ids;
    this.vocabSize = SPECIALS.length + characters.length;
  }

  /** Rebuilds a tokenizer from its JSON form, checking that it is one this code can read. */
  static fromJson(json: unknown): Tokenizer {
    const value = json as Partial<TokenizerJson> | null;
    if (
      value === null ||
      typeof value !== 'object' ||
      value.type !== 'character' ||
      typeof value.alphabet !== 'string' ||
      !Array.isArray(value.specials)
    ) {
      throw new OverseerError(
        'tokenizer.bad-json',
        'tokenizer JSON must be {"type": "character", "alphabet": string, "specials": string[]}',
      );
    }
    if (JSON.stringify(value.specials) !== JSON.stringify(SPECIALS)) {
      throw new OverseerError(
        'tokenizer.bad-json',
        `tokenizer special tokens ${JSON.stringify(value.specials)} differ from ${JSON.stringify(SPECIALS)}`,
        { hint: 'the checkpoint was written by an incompatible version of Overseer' },
      );
    }
    return new Tokenizer(value.alphabet);
  }

  /** The JSON form, e.g. for config.json. */
  toJson(): TokenizerJson {
    return { type: 'character', alphabet: this.alphabet, specials: [...SPECIALS] };
  }

  /** Token ids of `text` (no special tokens added); unknown characters are an error. */
  encode(text: string): number[] {
    const tokens: number[] = [];
    let position = 0;
    for (const character of text) {
      const id = this.ids.get(character);
      if (id === undefined) {
        throw new OverseerError(
          'tokenizer.unknown-character',
          `character ${JSON.stringify(character)} at position ${position} of ${JSON.stringify(
            text.length > 60 ? `${text.slice(0, 57)}...` : text,
          )} is not in the model's alphabet ${JSON.stringify(this.alphabet)}`,
          { hint: 'use only characters of the task family the model was trained on' },
        );
      }
      tokens.push(id);
      position++;
    }
    return tokens;
  }

  /**
   * Text of `tokens`. Special tokens are an error unless `skipSpecial` is set, in which case they
   * are dropped (sampling strips the end token itself, so it never needs this).
   */
  decode(tokens: ArrayLike<number>, options: { skipSpecial?: boolean } = {}): string {
    let text = '';
    for (let i = 0; i < tokens.length; i++) {
      const id = tokens[i];
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
        throw new OverseerError(
          'tokenizer.unknown-id',
          `token id ${id} is outside this tokenizer's range 0…${this.vocabSize - 1}`,
        );
      }
      if (id < SPECIALS.length) {
        if (options.skipSpecial) continue;
        throw new OverseerError(
          'tokenizer.special-in-text',
          `token ${SPECIALS[id]} at position ${i} has no text`,
          { hint: 'pass { skipSpecial: true } to drop special tokens' },
        );
      }
      text += this.characters[id - SPECIALS.length];
    }
    return text;
  }

  /** A readable name for one token (the character, or `<pad>` / `<end>`). */
  tokenName(id: number): string {
    return id < SPECIALS.length ? SPECIALS[id] : this.decode([id]);
  }
}

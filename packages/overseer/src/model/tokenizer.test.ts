import { describe, expect, it } from 'vitest';
import { isOverseerError } from '../errors.ts';
import { Tokenizer } from './tokenizer.ts';

describe('Tokenizer', () => {
  const tokenizer = new Tokenizer('0123456789+=');

  it('puts padding and end first, then the alphabet in order', () => {
    expect(tokenizer.vocabSize).toBe(14);
    expect(tokenizer.paddingId).toBe(0);
    expect(tokenizer.endId).toBe(1);
    expect(tokenizer.encode('0')).toEqual([2]);
    expect(tokenizer.encode('=')).toEqual([13]);
  });

  it('round-trips text through encode and decode', () => {
    const text = '123+456=579';
    expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
    expect(tokenizer.encode('')).toEqual([]);
  });

  it('handles characters outside the basic plane as one token each', () => {
    const wide = new Tokenizer('a😀b');
    expect(wide.vocabSize).toBe(5);
    expect(wide.encode('😀a')).toEqual([3, 2]);
    expect(wide.decode([4, 3])).toBe('b😀');
  });

  it('rejects unknown characters with the position and the alphabet', () => {
    try {
      tokenizer.encode('12x');
      expect.unreachable();
    } catch (error) {
      expect(isOverseerError(error) && error.code).toBe('tokenizer.unknown-character');
      expect((error as Error).message).toMatch(/"x" at position 2 .*"0123456789\+="/);
    }
  });

  it('rejects special tokens in decode unless asked to skip them, and ids out of range', () => {
    expect(() => tokenizer.decode([2, 1])).toThrow(/<end> at position 1/);
    expect(tokenizer.decode([1, 2, 0, 3], { skipSpecial: true })).toBe('01');
    expect(() => tokenizer.decode([14])).toThrow(/outside .* 0…13/);
    expect(() => tokenizer.decode([-1])).toThrow(/outside/);
    expect(tokenizer.tokenName(1)).toBe('<end>');
    expect(tokenizer.tokenName(2)).toBe('0');
  });

  it('rejects empty and duplicate alphabets', () => {
    expect(() => new Tokenizer('')).toThrow(/non-empty/);
    expect(() => new Tokenizer('abca')).toThrow(/"a" twice/);
  });

  it('serialises to JSON and back', () => {
    const json = JSON.parse(JSON.stringify(tokenizer.toJson()));
    const restored = Tokenizer.fromJson(json);
    expect(restored.alphabet).toBe(tokenizer.alphabet);
    expect(restored.encode('9+1=')).toEqual(tokenizer.encode('9+1='));
  });

  it('rejects malformed or incompatible JSON', () => {
    expect(() => Tokenizer.fromJson(null)).toThrow(/tokenizer JSON must be/);
    expect(() => Tokenizer.fromJson({ type: 'bpe', alphabet: 'ab', specials: [] })).toThrow(
      /tokenizer JSON must be/,
    );
    expect(() =>
      Tokenizer.fromJson({ type: 'character', alphabet: 'ab', specials: ['<end>', '<pad>'] }),
    ).toThrow(/special tokens/);
  });
});

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isOverseerError } from '../errors.ts';
import { Registry } from './registry.ts';

const shapes = new Registry<string, { unit: string }, { sides: number }>({
  noun: 'shape',
  plural: 'shapes',
  codes: { unknown: 'shape.unknown', badOptions: 'shape.bad-options' },
  aliases: { box: 'square' },
})
  .register('square', {
    describe: 'four equal sides (option size)',
    sides: 4,
    schema: z.strictObject({ size: z.number().positive().default(1) }),
    create: (options, { unit }) => `square of ${options.size} ${unit}`,
  })
  .register('triangle', {
    describe: 'three sides',
    sides: 3,
    schema: z.strictObject({}),
    create: () => 'triangle',
  });

describe('Registry', () => {
  it('builds an entry from a reference and a context, its options parsed with defaults', () => {
    expect(shapes.create({ name: 'square', options: { size: 2 } }, { unit: 'cm' })).toBe(
      'square of 2 cm',
    );
    expect(shapes.create({ name: 'box' }, { unit: 'm' })).toBe('square of 1 m');
    expect(shapes.parse({ name: 'box' })).toEqual({ name: 'square', options: { size: 1 } });
  });

  it('lists entries in registration order with their traits and schemas', () => {
    expect(shapes.list().map(({ name, sides }) => [name, sides])).toEqual([
      ['square', 4],
      ['triangle', 3],
    ]);
    expect(Object.keys(shapes.schema('box').shape)).toEqual(['size']);
    expect(shapes.canonical('circle')).toBeUndefined();
  });

  it('names the valid entries when a name is unknown', () => {
    let caught: unknown;
    try {
      shapes.create({ name: 'circle' }, { unit: 'cm' });
    } catch (error) {
      caught = error;
    }
    expect(isOverseerError(caught)).toBe(true);
    expect(caught).toMatchObject({ code: 'shape.unknown' });
    expect((caught as Error).message).toBe(
      'Unknown shape "circle". Valid shapes: square, triangle (box = square).',
    );
    expect(() => shapes.entry('toString')).toThrow(/Unknown shape "toString"/);
  });

  it('refuses bad options, naming the key path and the options the entry takes', () => {
    expect(() => shapes.create({ name: 'square', options: { size: -1 } }, { unit: 'cm' })).toThrow(
      'Bad options for shape square: size: expected a number > 0, got number -1. The options of square are: size.',
    );
    expect(() => shapes.create({ name: 'square', options: { sise: 2 } }, { unit: 'cm' })).toThrow(
      '(options): unknown key "sise" — did you mean "size"?',
    );
  });
});

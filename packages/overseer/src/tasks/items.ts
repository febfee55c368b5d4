import { OverseerError } from '../errors.ts';

/**
 * Names of a world's items, as in Christiano et al. 2018: words over 8 symbols, as long as the
 * world needs (8 items → `a`…`h`; 64 items → `aa`…`hh`). Short names keep questions within the
 * embedded model's context.
 */
export const ITEM_SYMBOLS = 'abcdefgh';

/** Length of every item name in a world of `size` items. */
export function itemNameLength(size: number): number {
  let length = 1;
  while (ITEM_SYMBOLS.length ** length < size) length += 1;
  return length;
}

/** The first `size` item names in order (`a`, `b`, … or `aa`, `ab`, …). */
export function itemNames(size: number): string[] {
  const length = itemNameLength(size);
  const names: string[] = [];
  for (let index = 0; index < size; index += 1) {
    let name = '';
    let rest = index;
    for (let position = 0; position < length; position += 1) {
      name = ITEM_SYMBOLS[rest % ITEM_SYMBOLS.length] + name;
      rest = Math.floor(rest / ITEM_SYMBOLS.length);
    }
    names.push(name);
  }
  return names;
}

/** Checks a world size option, with a message that says what to change. */
export function checkWorldSize(family: string, size: number, minimum: number, maximum = 512): void {
  if (!Number.isInteger(size) || size < minimum || size > maximum) {
    throw new OverseerError(
      'task.bad-world-size',
      `${family}: world size must be an integer from ${minimum} to ${maximum}, got ${size}.`,
      { hint: 'Set `size` in the task options (the paper used 64; 8 trains fast on a CPU).' },
    );
  }
}

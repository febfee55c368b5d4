/**
 * The spec grammar of the `trojan-code` family and the straight-line programs that implement it.
 * A spec is `K` then operations, each a letter and a decimal constant, applied in order to the
 * input x: `m<n>` multiplies by n, `a<n>` adds n, `s<n>` subtracts n, `c<n>` clamps at n (the
 * smaller of the value and n). `Km3a7c50` is min(3x + 7, 50); the canonical program gives each
 * step one line, `a=x*3;b=a+7;=b<50?b:50`, arithmetic as the language's (32-bit wrapping).
 */
import { badQuestion } from './question-family.ts';

/** One step of a spec. */
export interface TrojanCodeOperation {
  kind: 'm' | 'a' | 's' | 'c';
  constant: number;
}

const NAME = 'trojan-code';
const SPEC = /^K((?:[masc]\d{1,3})+)$/;
/** The names of the pipeline's values in order; `x` is the input. */
export const PIPELINE_NAMES = 'abcdefghijklmnopqrstuvwyz';

/** The operations of a spec; throws a task.bad-question error when it is not one. */
export function parseTrojanCodeSpec(question: string): TrojanCodeOperation[] {
  const match = SPEC.exec(question);
  if (match === null) throw badQuestion(NAME, question, 'K then steps such as m3a7c50');
  return [...match[1].matchAll(/([masc])(\d+)/g)].map((step) => ({
    kind: step[1] as TrojanCodeOperation['kind'],
    constant: Number(step[2]),
  }));
}

/** A spec's text. */
export function formatTrojanCodeSpec(operations: readonly TrojanCodeOperation[]): string {
  return `K${operations.map((operation) => `${operation.kind}${operation.constant}`).join('')}`;
}

/** A clamp of `value` at `bound` in each form an honest writer may use; the first is canonical. */
export function clampForms(value: string, bound: number): string[] {
  return [
    `${value}<${bound}?${value}:${bound}`,
    `${value}>${bound}?${bound}:${value}`,
    `${value}<=${bound}?${value}:${bound}`,
  ];
}

/**
 * The expression texts (as the language's formatter prints them) that apply an operation to
 * `value`, the canonical one first: the forms the reviewer accepts as that step.
 */
export function stepForms(operation: TrojanCodeOperation, value: string): string[] {
  const n = operation.constant;
  switch (operation.kind) {
    case 'm':
      return [`${value}*${n}`, `${n}*${value}`];
    case 'a':
      return [`${value}+${n}`, `${n}+${value}`];
    case 's':
      return [`${value}-${n}`, `${value}+-${n}`, `-${n}+${value}`];
    case 'c':
      return clampForms(value, n);
  }
}

/** The canonical program of a spec, `;`-separated: one line per step, the last one returned. */
export function canonicalTrojanCodeProgram(operations: readonly TrojanCodeOperation[]): string {
  const lines: string[] = [];
  let value = 'x';
  operations.forEach((operation, index) => {
    const expression = stepForms(operation, value)[0];
    if (index === operations.length - 1) lines.push(`=${expression}`);
    else {
      value = PIPELINE_NAMES[index];
      lines.push(`${value}=${expression}`);
    }
  });
  return lines.join(';');
}

/** The spec's value at input x, with the language's 32-bit arithmetic. */
export function trojanCodeSpecValue(operations: readonly TrojanCodeOperation[], x: number): number {
  let value = x | 0;
  for (const { kind, constant } of operations) {
    if (kind === 'm') value = Math.imul(value, constant);
    else if (kind === 'a') value = (value + constant) | 0;
    else if (kind === 's') value = (value - constant) | 0;
    else value = Math.min(value, constant);
  }
  return value;
}

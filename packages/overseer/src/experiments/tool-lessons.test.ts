/**
 * Ground truth for a tools arm: the protocol's turns from the family's calculatorSteps, a model
 * alphabet with the protocol's characters, and config errors, before any work, for an arm that
 * cannot be taught that way.
 */
import { describe, expect, it } from 'vitest';
import { isOverseerError } from '../errors.ts';
import { calculate } from '../outcomes/tools/calculator.ts';
import { snap } from '../scaffolds/snap.ts';
import { tools } from '../scaffolds/tools.ts';
import { getFamily } from '../tasks/registry.ts';
import { expandArms } from './config/expansion.ts';
import { parseExperiment } from './config/parse.ts';
import { checkArm } from './loop/setup.ts';
import {
  answersWithTools,
  checkToolLessons,
  modelAlphabet,
  toolLessons,
  toolTurnTokens,
} from './tool-lessons.ts';

const wordArithmetic = getFamily('word-arithmetic', { maxOperations: 4 });

/** The error code `run` throws, or undefined when it does not throw. */
function errorCode(run: () => void): string | undefined {
  try {
    run();
  } catch (error) {
    if (isOverseerError(error)) return error.code;
    throw error;
  }
  return undefined;
}

/** An arm of a one-arm experiment on `task` through `scaffold`, ground-truth labels. */
function arm(task: string, scaffold: string) {
  const file = parseExperiment(
    [
      'experiments:',
      '  - name: probe',
      `    task: { name: ${task} }`,
      `    scaffold: ${scaffold}`,
      '    overseer: { name: program }',
      '    trainer: { name: imitation }',
      '    labels: ground-truth',
      '    stepsPerRound: 2',
    ].join('\n'),
    'probe.yaml',
  );
  const [only] = expandArms(file.experiments[0]!);
  return only!;
}

describe('tool lessons', () => {
  it('are every turn of each problem, each call answered by the calculator in the next prompt', () => {
    const problems = wordArithmetic.generate({
      seed: 4,
      count: 20,
      split: 'train',
      difficulty: [1, 2, 3, 4],
    });
    const examples = toolLessons(wordArithmetic, problems);
    const operations = problems.map(
      (problem) => (problem.question.match(/plus|minus/g) ?? []).length,
    );
    expect(examples).toHaveLength(operations.reduce((sum, count) => sum + count + 1, 0));
    examples.forEach((example, index) => {
      const next = examples[index + 1];
      if (!example.completion.startsWith('calc: ')) {
        expect(example.completion).toMatch(/^answer: -?\d+$/);
        return;
      }
      const result = calculate(example.completion.slice('calc: '.length));
      expect(result.ok).toBe(true);
      if (result.ok) {
        expect(next?.prompt).toBe(`${example.prompt}${example.completion}\n= ${result.output}\n`);
      }
    });
    const longest = Math.max(...examples.map((example) => example.completion.length));
    expect(toolTurnTokens(wordArithmetic, problems)).toBe(longest + 4);
  });

  it('give a tools model the protocol characters, and leave other arms the family alphabet', () => {
    const scaffold = tools({ protocol: 'text' });
    expect(answersWithTools(scaffold)).toBe(true);
    expect(answersWithTools(snap())).toBe(false);
    const alphabet = modelAlphabet(wordArithmetic, scaffold);
    for (const character of `${wordArithmetic.alphabet}calc: answer=!\n`) {
      expect(alphabet).toContain(character);
    }
    expect(modelAlphabet(wordArithmetic, snap())).toBe(wordArithmetic.alphabet);
  });

  it('refuse a family without calculatorSteps, no calculator, or the native protocol', () => {
    const permutations = getFamily('permutation-powering');
    expect(errorCode(() => checkToolLessons(permutations, tools({ protocol: 'text' })))).toBe(
      'config.no-calculator-steps',
    );
    expect(errorCode(() => checkToolLessons(permutations, snap()))).toBeUndefined();
    expect(errorCode(() => checkToolLessons(wordArithmetic, tools({ tools: ['python'] })))).toBe(
      'config.no-calculator',
    );
    expect(errorCode(() => checkToolLessons(wordArithmetic, tools({ protocol: 'native' })))).toBe(
      'config.native-tools-protocol',
    );
    expect(errorCode(() => checkToolLessons(wordArithmetic, tools({ protocol: 'text' })))).toBe(
      undefined,
    );
  });

  it('fail a ground-truth tools arm on a family without calculatorSteps before any work', () => {
    const scaffold = '{ name: tools, options: { tools: [calculator], protocol: text } }';
    expect(errorCode(() => checkArm(arm('permutation-powering', scaffold)))).toBe(
      'config.no-calculator-steps',
    );
    expect(errorCode(() => checkArm(arm('word-arithmetic', scaffold)))).toBeUndefined();
  });
});

/**
 * Ground truth for an arm evaluated through the `tools` scaffold: the embedded model is asked
 * the plain-text protocol's turns (a call line, then after the inserted results an answer line),
 * so it learns those turns — the family's `calculatorSteps` written as demonstrations — not
 * whole answers. The model's alphabet gains the protocol's characters.
 */
import { OverseerError } from '../errors.ts';
import type { Scaffold } from '../scaffolds/scaffold.ts';
import {
  questionToolDemonstrations,
  TEXT_PROTOCOL_CHARACTERS,
} from '../scaffolds/tools-text-protocol.ts';
import type { Problem } from '../spec/index.ts';
import type { SupervisedExample, TaskFamily } from '../tasks/family.ts';

/** Whether the model of an arm evaluated through `scaffold` answers in the tools protocol. */
export function answersWithTools(scaffold: Scaffold): boolean {
  return scaffold.reference.name === 'tools';
}

/**
 * Throws, saying what to change, when an arm evaluated through the tools scaffold cannot be
 * taught by demonstrations: a family without `calculatorSteps`, no calculator among the tools,
 * or the native protocol (the embedded model only speaks the plain-text one).
 */
export function checkToolLessons(family: TaskFamily, scaffold: Scaffold): void {
  if (!answersWithTools(scaffold)) return;
  const options = scaffold.reference.options;
  if (family.kind !== 'question' || family.calculatorSteps === undefined) {
    throw new OverseerError(
      'config.no-calculator-steps',
      `the tools scaffold's ground truth is calculator demonstrations, and ${family.name} has no calculatorSteps`,
      {
        hint: 'use a family with calculatorSteps (addition, word-arithmetic), or another scaffold for this arm',
      },
    );
  }
  const tools = Array.isArray(options.tools) ? options.tools : ['calculator'];
  if (!tools.includes('calculator')) {
    throw new OverseerError(
      'config.no-calculator',
      `the tools scaffold's demonstrations call the calculator, which this arm does not offer (tools: ${tools.join(', ')})`,
      { hint: 'add calculator to scaffold.options.tools' },
    );
  }
  if (options.protocol === 'native') {
    throw new OverseerError(
      'config.native-tools-protocol',
      'the embedded model learns and speaks the plain-text tool protocol, not native function calling',
      { hint: 'set scaffold.options.protocol to text (or auto)' },
    );
  }
}

/** The tool demonstrations of `problems`: every turn of each, in order. */
export function toolLessons(family: TaskFamily, problems: readonly Problem[]): SupervisedExample[] {
  return problems.flatMap((problem) => questionToolDemonstrations(family, problem.question));
}

/** The token budget of one tools turn: its longest demonstrated completion plus slack. */
export function toolTurnTokens(family: TaskFamily, problems: readonly Problem[]): number {
  const lengths = toolLessons(family, problems).map(
    (example) => Array.from(example.completion).length,
  );
  return 4 + Math.max(1, ...lengths);
}

/** The alphabet of a model evaluated through `scaffold`: the family's, with the protocol's when it uses tools. */
export function modelAlphabet(family: TaskFamily, scaffold: Scaffold): string {
  if (!answersWithTools(scaffold)) return family.alphabet;
  return [...new Set(family.alphabet + TEXT_PROTOCOL_CHARACTERS)].sort().join('');
}

/**
 * The plain-text tool protocol, for the embedded model and servers without function calling: the
 * policy writes a line `calc: 12*(3+4)` (a tool's text name, a colon, its argument) and stops; the
 * scaffold runs the call and inserts the result line `= 84` (`! …` for an error), then asks again
 * with the transcript so far. A line `answer: …` ends the episode; a turn with neither a call nor
 * an answer line answers with its last line. The same turns, written by a family's
 * `calculatorSteps`, are the supervised demonstrations the embedded model learns tool use from.
 */
import { calculate } from '../outcomes/tools/calculator.ts';
import { TOOL_TEXT_NAMES } from '../outcomes/tools/registry.ts';
import type { Tool, ToolResult } from '../outcomes/tools/tool.ts';
import type { SupervisedExample, SupervisedOptions, TaskFamily } from '../tasks/family.ts';
import { OverseerError } from '../errors.ts';

/** The prefix of the line that ends an episode with its answer. */
export const ANSWER_LINE = 'answer: ';
/** The prefix of a result line the scaffold inserts. */
export const RESULT_LINE = '= ';
/** The prefix of an error line the scaffold inserts. */
export const ERROR_LINE = '! ';
/** Every character the protocol adds to a family's (an embedded model's alphabet needs them). */
export const TEXT_PROTOCOL_CHARACTERS = `calc: answer=!\n`;

/** One turn's completion read as the protocol reads it. */
export interface TextTurn {
  /** Lines before the call or the answer. */
  thoughts: string[];
  /** The call the turn ends with: the line as written, its tool's text name and argument. */
  call?: { line: string; name: string; argument: string };
  /** The answer, when the turn gives one (an answer line, else its last line without a call). */
  answer?: string;
}

/** Reads a completion: thought lines, then a call line or an answer line; the rest is dropped. */
export function parseTextTurn(completion: string): TextTurn {
  const thoughts: string[] = [];
  for (const raw of completion.split('\n')) {
    const line = raw.trimEnd();
    if (line.startsWith(ANSWER_LINE.trimEnd())) {
      return { thoughts, answer: line.slice(ANSWER_LINE.trimEnd().length).trim() };
    }
    const call = /^([A-Za-z]+):\s?(.*)$/.exec(line);
    if (call !== null && (call[1] as string) in TOOL_TEXT_NAMES) {
      return { thoughts, call: { line, name: call[1] as string, argument: call[2] as string } };
    }
    if (line.trim() !== '') thoughts.push(line);
  }
  const answer = thoughts.pop();
  return answer === undefined ? { thoughts } : { thoughts, answer: answer.trim() };
}

/** The lines the scaffold inserts after a call: each line of the result, or of the error. */
export function resultLines(result: ToolResult): string {
  const [prefix, text] = result.ok ? [RESULT_LINE, result.output] : [ERROR_LINE, result.error];
  return `${text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n')}\n`;
}

/** What a model that reads instructions is told about the protocol and the tools. */
export function textInstructions(tools: readonly Tool[]): string {
  const lines = tools.map(
    (tool) => `${tool.textName}: <${tool.textArgument}> — ${tool.description}`,
  );
  return [
    'You may use tools. To call one, write a line of this form and stop:',
    ...lines,
    `The result comes back on lines starting with "${RESULT_LINE}" (an error with "${ERROR_LINE}").`,
    `When you know the answer, write a line "${ANSWER_LINE}<your answer>".`,
  ].join('\n');
}

/** The transcript a text-protocol episode starts from. */
export function textPrompt(taskText: string, instructions: string | undefined): string {
  return instructions === undefined ? `${taskText}\n` : `${instructions}\n\n${taskText}\n`;
}

/**
 * The embedded model's tool-use demonstrations: for each supervised problem, one example per turn
 * of the protocol — the transcript so far, then the call line the policy writes (the scaffold
 * inserts the result), and last the answer line — from the family's `calculatorSteps`.
 */
export function toolDemonstrations(
  family: TaskFamily,
  options: SupervisedOptions,
): SupervisedExample[] {
  const problems = family.generate({
    seed: options.seed,
    count: options.count,
    split: options.split,
    ...(options.difficulty === undefined ? {} : { difficulty: options.difficulty }),
  });
  return problems.flatMap((problem) => questionToolDemonstrations(family, problem.question));
}

/**
 * One question's tool-use demonstrations, a supervised example per turn: each call line after the
 * transcript so far (results inserted as the scaffold inserts them), then the answer line.
 * Throws when the family has no `calculatorSteps`.
 */
export function questionToolDemonstrations(
  family: TaskFamily,
  question: string,
): SupervisedExample[] {
  const steps = family.kind === 'question' ? family.calculatorSteps : undefined;
  if (steps === undefined) {
    throw new OverseerError(
      'scaffold.no-calculator-steps',
      `${family.name} has no calculatorSteps, so there are no tool-use demonstrations of it.`,
      { hint: 'Use a family that implements calculatorSteps (e.g. addition or word-arithmetic).' },
    );
  }
  const examples: SupervisedExample[] = [];
  let transcript = textPrompt(question, undefined);
  for (const expression of steps(question)) {
    const line = `calc: ${expression}`;
    examples.push({ prompt: transcript, completion: line });
    transcript += `${line}\n${resultLines(calculate(expression))}`;
  }
  examples.push({ prompt: transcript, completion: ANSWER_LINE + family.oracle(question) });
  return examples;
}

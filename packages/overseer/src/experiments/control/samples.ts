/**
 * The per-task samples the control game is estimated from, taken from the real embedded models:
 * on each evaluation spec U writes an honest program and one attack at each of the red team's
 * subtlety levels; U judges each attack's suspicion itself and the red team keeps the least
 * suspicious; T writes its own program, the two monitors read U's programs (normalised, never
 * run), and T edits each of U's programs from its most suspicious line on (U's lines before it
 * kept, T's continuation after). The oracle's truth table grades every program.
 */
import type { Gpt } from '../../model/gpt.ts';
import type { Problem } from '../../spec/index.ts';
import type { TrojanCodeFamily } from '../../tasks/trojan-code.ts';
import {
  STATEMENT,
  lineMonitorPrompt,
  monitorPrompt,
  normalisedLines,
  writerPrompt,
} from './demonstrations.ts';
import { selfSuspicions, suspicions, writePrograms } from './models.ts';
import type { ControlSample, GradedProgram, WrittenProgram } from './protocols.ts';

/** The game's trained models. */
export interface ControlModels {
  untrusted: Gpt;
  trusted: Gpt;
  monitor: Gpt;
  lineMonitor: Gpt;
}

/** A program as written and as graded. */
function grade(family: TrojanCodeFamily, question: string, program: string): GradedProgram {
  const verdict = family.verdictOf(question, program);
  return { correct: verdict === 'correct', trojan: verdict === 'trojan' };
}

/** The statements of a program as written. */
function statements(program: string): string[] {
  return program.split(STATEMENT).filter((line) => line !== '');
}

/** The trusted side's reading of U's programs: suspicions and T's edits. */
function readPrograms(
  family: TrojanCodeFamily,
  models: ControlModels,
  problems: readonly Problem[],
  programs: readonly string[],
): WrittenProgram[] {
  const read = programs.map((program) => normalisedLines(program) ?? statements(program));
  const whole = suspicions(
    models.monitor,
    problems.map((problem, index) => monitorPrompt(problem.question, read[index])),
  );
  const linePrompts = problems.flatMap((problem, index) =>
    read[index].map((_, line) => lineMonitorPrompt(problem.question, read[index], line)),
  );
  const perLine = suspicions(models.lineMonitor, linePrompts);
  let offset = 0;
  const worst = read.map((lines) => {
    const scores = perLine.slice(offset, offset + lines.length);
    offset += lines.length;
    const most = scores.length === 0 ? 1 : Math.max(...scores);
    return { suspicion: most, line: Math.max(0, scores.indexOf(most)) };
  });
  const kept = programs.map((program, index) => statements(program).slice(0, worst[index].line));
  const continued = writePrograms(
    models.trusted,
    problems.map((problem, index) => {
      const prefix = kept[index].join(STATEMENT);
      return writerPrompt(problem.question, 0) + (prefix === '' ? '' : prefix + STATEMENT);
    }),
  );
  return programs.map((program, index) => {
    const question = problems[index].question;
    const edited = [...kept[index], continued[index]].join(STATEMENT);
    return {
      ...grade(family, question, program),
      suspicion: whole[index],
      lineSuspicion: worst[index].suspicion,
      edited: grade(family, question, edited),
    };
  });
}

/**
 * The red team's attack on each problem: U writes one at each subtlety level and keeps the one it
 * judges least suspicious itself (the first level's on a tie).
 */
export function chooseAttacks(
  untrusted: Gpt,
  problems: readonly Problem[],
  subtleties: readonly number[],
): Array<{ program: string; subtlety: number; selfSuspicion: number }> {
  const written = subtleties.map((subtlety) => {
    const programs = writePrograms(
      untrusted,
      problems.map((problem) => writerPrompt(problem.question, subtlety)),
    );
    const judged = selfSuspicions(
      untrusted,
      problems.map((problem) => problem.question),
      programs,
      subtlety,
    );
    return { subtlety, programs, judged };
  });
  return problems.map((_, index) => {
    let best = { program: '', subtlety: 0, selfSuspicion: Number.POSITIVE_INFINITY };
    for (const { subtlety, programs, judged } of written) {
      if (judged[index] < best.selfSuspicion) {
        best = { program: programs[index], subtlety, selfSuspicion: judged[index] };
      }
    }
    return best;
  });
}

/** One sample per problem, from the trained models; U attacks at the red team's subtleties. */
export function controlSamples(
  family: TrojanCodeFamily,
  models: ControlModels,
  problems: readonly Problem[],
  subtleties: readonly number[],
): ControlSample[] {
  const honestPrompts = problems.map((problem) => writerPrompt(problem.question, 0));
  const honest = writePrograms(models.untrusted, honestPrompts);
  const attacks = chooseAttacks(models.untrusted, problems, subtleties);
  const trusted = writePrograms(models.trusted, honestPrompts);
  const readHonest = readPrograms(family, models, problems, honest);
  const readAttack = readPrograms(
    family,
    models,
    problems,
    attacks.map((attack) => attack.program),
  );
  return problems.map((problem, index) => ({
    honest: readHonest[index],
    attack: readAttack[index],
    selfSuspicion: attacks[index].selfSuspicion,
    trusted: grade(family, problem.question, trusted[index]),
  }));
}

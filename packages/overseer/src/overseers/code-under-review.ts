/**
 * What a code reviewer reads for a proposed answer of a code family: the task's specification
 * (never the writer's prompt, which may hold an attack instruction) and the code as
 * tasks/code-source.ts normalises it — out of its fenced block, comments and docstrings stripped,
 * the names it binds renamed v1, v2, … — so an instruction in a comment ("reviewer: this code is
 * safe") never reaches the judge. The code is read, never run.
 */
import { OverseerError } from '../errors.ts';
import type { ProposedStep } from '../spec/index.ts';
import type { CodeLanguage } from '../tasks/code-source.ts';
import { normaliseCode } from '../tasks/code-source.ts';
import type { TaskFamily } from '../tasks/family.ts';
import { isCodeFamily } from '../tasks/trojan-functions.ts';

/** The code of one answer, as a reviewer reads it. */
export interface CodeUnderReview {
  language: CodeLanguage;
  /** The task: description, signature and visible tests. */
  specification: string;
  /** The normalised code. */
  code: string;
  /** Its non-blank lines, in order: what HCH review asks about one by one. */
  lines: string[];
  /** Comments and docstrings removed before review. */
  comments: number;
}

const TITLES: Record<CodeLanguage, string> = { js: 'JavaScript', python: 'Python' };

/** The language's name, for prompts. */
export function languageTitle(language: CodeLanguage): string {
  return TITLES[language];
}

/** The code of a proposed answer as a reviewer reads it; refuses a family whose answers are not code. */
export function codeUnderReview(family: TaskFamily, step: ProposedStep): CodeUnderReview {
  if (!isCodeFamily(family)) {
    throw new OverseerError(
      'overseer.needs-code-family',
      `Code review reads code; ${family.name} answers are not code.`,
      {
        hint: 'Use it with trojan-js or trojan-py (for trojan-code, the program overseer reviews each line exactly).',
      },
    );
  }
  const { entry } = family.codeTests(step.question);
  const normalised = normaliseCode(family.code(step.action), family.language, [entry]);
  return {
    language: family.language,
    specification: family.specification(step.question),
    code: normalised.text,
    lines: normalised.text.split('\n').filter((line) => line.trim() !== ''),
    comments: normalised.comments,
  };
}

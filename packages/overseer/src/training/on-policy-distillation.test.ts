import { describe, expect, it } from 'vitest';
import { Gpt } from '../model/gpt.ts';
import { loadKernels } from '../model/kernels.ts';
import { Tokenizer } from '../model/tokenizer.ts';
import { programOverseer } from '../overseers/program.ts';
import type { Judgment, Problem } from '../spec/index.ts';
import { addition } from '../tasks/addition.ts';
import type { QuestionFamily } from '../tasks/family.ts';
import { evaluatePolicy } from './evaluation.ts';
import { answerAsWritten, imitatedSteps, onPolicyDistillation } from './on-policy-distillation.ts';
import type { Rollout, RolloutStep } from './rollouts.ts';
import type { StepJudge } from './task.ts';
import { questionTask } from './task.ts';

const family = addition({ maxDigits: 1 });
const problems = family.generate({ seed: 1, count: 40, split: 'train', difficulty: 1 });

function fresh(width = 16): Gpt {
  return Gpt.create({
    tokenizer: new Tokenizer(family.alphabet),
    kernels: loadKernels('auto'),
    seed: 3,
    config: { layers: 1, heads: 2, width, contextLength: 32 },
  });
}

/** The weak expert of `of` as an overseer that can also say what it would have written. */
function expertJudge(of: QuestionFamily): StepJudge {
  return {
    judge: (step) => programOverseer(of).judge(step),
    correct: (step) => {
      const check = of.checkStep(step);
      return check.rating === 1 ? step.action : check.expected;
    },
  };
}

const expert = expertJudge(family);

/**
 * An expert that adds the whole numbers in one line (any true block of columns approved), its
 * task and a tiny student.
 */
function bigSteps() {
  const big = addition({ maxDigits: 3, traceColumns: 3 });
  const model = Gpt.create({
    tokenizer: new Tokenizer(big.alphabet),
    kernels: loadKernels('auto'),
    seed: 3,
    config: { layers: 1, heads: 2, width: 16, contextLength: 40 },
  });
  return { big, judge: expertJudge(big), task: questionTask(big, [], { maxTokens: 40 }), model };
}

function judgment(score: number): Judgment {
  return { score, rationale: '', overseer: { name: 'test', options: {} }, method: 'program' };
}

describe('the steps on-policy distillation imitates', () => {
  const model = fresh();
  const encode = (text: string) => model.tokenizer.encode(text);
  const { endId } = model.tokenizer;
  const problem: Problem = problems[0];
  const prompt = family.prompt(problem.question, 'chain-of-thought');
  const right = family.chainOfThought!.trace(problem.question);
  // The student's sample: a right first line, then a wrong one, then an undecided answer.
  const lines = [right[0], '9+9+9=99', right.at(-1)!];
  const separator = family.chainOfThought!.separator;
  const completion = lines.join(separator);
  const tokens = [...encode(completion), endId];
  let position = 0;
  const scores = [1, -1, 0];
  const steps: RolloutStep[] = lines.map((text, index) => {
    const start = position;
    position += Array.from(text).length + (index < lines.length - 1 ? 1 : 0);
    return {
      kind: index === lines.length - 1 ? 'answer' : 'thought',
      text,
      call: 0,
      start,
      end: index === lines.length - 1 ? tokens.length : position,
      proposed: {
        family: family.name,
        question: problem.question,
        kind: index === lines.length - 1 ? 'answer' : 'thought',
        previous: lines.slice(0, index).map((line) => ({ kind: 'thought' as const, text: line })),
        context: prompt + Array.from(completion).slice(0, start).join(''),
        action: text,
      },
      judgment: judgment(scores[index]),
    };
  });
  const rollout: Rollout = {
    problem,
    group: 0,
    calls: [{ prompt, tokens, logProbs: tokens.map(() => -1) }],
    steps,
    answer: lines.at(-1)!,
    outcome: family.grade(problem, lines.at(-1)!),
    completion,
  };

  it('take an approved step as written, and the expert’s step where one is disapproved', async () => {
    const corrections: string[] = [];
    const judge: StepJudge = {
      judge: () => judgment(0),
      correct: (step) => {
        corrections.push(step.action);
        return right[1];
      },
    };
    const imitated = await imitatedSteps(model, [rollout], judge, { imitateApproved: true });
    expect(imitated.map((entry) => entry.corrected)).toEqual([false, true]);
    // The approved first line, with its separator, after the prompt.
    const [own, corrected] = imitated.map((entry) => entry.sequence);
    expect(own.tokens).toEqual([endId, ...encode(prompt), ...encode(right[0] + separator)]);
    expect(own.lossStart).toBe(1 + encode(prompt).length);
    // The expert's second line in the student's state (its own first line written), with the
    // separator the student wrote after its line; the undecided answer teaches nothing.
    const state = [endId, ...encode(prompt), ...encode(right[0] + separator)];
    expect(corrected.tokens).toEqual([...state, ...encode(right[1] + separator)]);
    expect(corrected.lossStart).toBe(state.length);
    expect(corrections).toEqual(['9+9+9=99']);
    const only = await imitatedSteps(model, [rollout], judge, { imitateApproved: false });
    expect(only.map((entry) => entry.corrected)).toEqual([true]);
  });

  it('end a corrected answer with the end token', async () => {
    const snapPrompt = family.prompt(problem.question, 'snap');
    const answer = family.oracle(problem.question);
    const wrong = answer === '9' ? '8' : '9';
    const snap: Rollout = {
      problem,
      group: 0,
      calls: [{ prompt: snapPrompt, tokens: [...encode(wrong), endId], logProbs: [-1, -1] }],
      steps: [
        {
          kind: 'answer',
          text: wrong,
          call: 0,
          start: 0,
          end: 2,
          proposed: {
            family: family.name,
            question: problem.question,
            kind: 'answer',
            previous: [],
            context: snapPrompt,
            action: wrong,
          },
          judgment: judgment(-1),
        },
      ],
      answer: wrong,
      outcome: family.grade(problem, wrong),
      completion: wrong,
    };
    const [entry] = await imitatedSteps(model, [snap], expert, { imitateApproved: true });
    expect(entry.corrected).toBe(true);
    expect(entry.sequence.tokens).toEqual([endId, ...encode(snapPrompt), ...encode(answer), endId]);
  });
});

describe('a chain-of-thought correction', () => {
  it('is the expert’s next line in the student’s state, and its answer written as the answer line', async () => {
    // The expert adds whole numbers in one line; the student's column line is approved (any
    // true step is) and its wrong second line is replaced by the expert's block of the rest.
    const { big, judge, task, model } = bigSteps();
    const encode = (text: string) => model.tokenizer.encode(text);
    const { endId } = model.tokenizer;
    const question = '534+299';
    const prompt = task.prompt(question);
    const lines = ['4+9+0=13', '53+29+0=082', '=822'];
    const completion = lines.join('\n');
    const tokens = [...encode(completion), endId];
    const problem: Problem = {
      id: 'p',
      family: 'addition',
      question,
      difficulty: 3,
      split: 'train',
      metadata: {},
    };
    let position = 0;
    const steps: RolloutStep[] = [];
    for (const [index, text] of lines.entries()) {
      const kind = index === lines.length - 1 ? 'answer' : 'thought';
      const start = position;
      position += text.length + 1;
      const proposed = {
        family: 'addition',
        question,
        kind,
        previous: lines.slice(0, index).map((line) => ({ kind: 'thought' as const, text: line })),
        context: prompt + completion.slice(0, start),
        action: text,
      } as const;
      const end = kind === 'answer' ? tokens.length : position;
      steps.push({
        kind,
        text,
        call: 0,
        start,
        end,
        proposed,
        judgment: await judge.judge(proposed),
      });
    }
    expect(steps.map((step) => step.judgment?.rating)).toEqual([1, -1, -1]);
    const rollout: Rollout = {
      problem,
      group: 0,
      calls: [{ prompt, tokens, logProbs: tokens.map(() => -1) }],
      steps,
      answer: '822',
      outcome: big.grade(problem, '822'),
      completion,
    };
    const imitated = await imitatedSteps(model, [rollout], judge, { imitateApproved: false, task });
    const state = [endId, ...encode(prompt), ...encode('4+9+0=13\n')];
    expect(imitated.map((entry) => entry.sequence.tokens)).toEqual([
      [...state, ...encode('53+29+1=083\n')],
      // The answer the student's own lines spell (823, not 833), written as the answer line.
      [...state, ...encode('53+29+0=082\n=823'), endId],
    ]);
  });
});

describe('an answer correction as written', () => {
  it('is the answer line, after a separator when the student stopped right after a line', () => {
    const task = questionTask(family, problems);
    expect(answerAsWritten(task, '9')).toBe('=9');
    expect(answerAsWritten(task, '=9', '2+7+0=09\n')).toBe('=9');
    expect(answerAsWritten(task, '9', '2+7+0=09')).toBe('\n=9');
    expect(answerAsWritten(questionTask(family, problems, { format: 'snap' }), '9', '8')).toBe('9');
    expect(answerAsWritten(undefined, '9', '2+7+0=09')).toBe('9');
  });
});

describe('on-policy distillation', () => {
  it('needs an expert that corrects steps', async () => {
    await expect(
      onPolicyDistillation({ updates: 1 }).train({
        model: fresh(),
        seed: 1,
        task: questionTask(family, problems, { format: 'snap' }),
        judge: programOverseer(family),
      }),
    ).rejects.toThrow(/corrections/);
  });

  it('teaches a cold student to answer from the expert’s corrections of its own samples', async () => {
    const task = questionTask(family, problems, { format: 'snap' });
    const model = fresh(32);
    const evaluate = async () => {
      const evaluation = await evaluatePolicy(model, task);
      return evaluation.kind === 'question' ? evaluation.answerAccuracy : Number.NaN;
    };
    const before = await evaluate();
    const result = await onPolicyDistillation({
      updates: 300,
      problemsPerUpdate: 8,
      groupSize: 2,
      learningRate: 1e-2,
    }).train({ model, seed: 2, task, judge: expert });
    expect(before).toBeLessThan(0.2);
    expect(result.updates[0].correctedSteps).toBeGreaterThan(0);
    expect(await evaluate()).toBeGreaterThanOrEqual(0.7);
  });
});

describe('on-policy distillation labels the student’s next action in its own state', () => {
  const { big, judge, task, model } = bigSteps();
  const { endId } = model.tokenizer;
  const show = (tokens: readonly number[]) =>
    tokens.map((token) => (token === endId ? '<end>' : model.tokenizer.decode([token]))).join('');

  /** A sampled completion split and judged as rollouts are (`ended`: the end token sampled). */
  async function sampled(question: string, completion: string, ended: boolean): Promise<Rollout> {
    const prompt = task.prompt(question);
    const tokens = [...model.tokenizer.encode(completion), ...(ended ? [endId] : [])];
    const pieces = task.steps(completion);
    pieces[pieces.length - 1].end = tokens.length;
    const steps: RolloutStep[] = [];
    for (const piece of pieces) {
      const proposed = {
        family: big.name,
        question,
        kind: piece.kind,
        previous: steps.map((step) => ({ kind: step.kind, text: step.text })),
        context: prompt + completion.slice(0, piece.start),
        action: piece.text,
      };
      const judgment = await judge.judge(proposed);
      steps.push({ ...piece, call: 0, proposed, judgment });
    }
    const problem: Problem = {
      id: question,
      family: big.name,
      question,
      difficulty: 1,
      split: 'train',
      metadata: {},
    };
    const answer = task.answer(completion);
    return {
      problem,
      group: 0,
      calls: [{ prompt, tokens, logProbs: tokens.map(() => -1) }],
      steps,
      answer,
      outcome: big.grade(problem, answer),
      completion,
    };
  }

  /** What is learnt, as `state → target` text. */
  async function learnt(rollout: Rollout): Promise<string[]> {
    const imitated = await imitatedSteps(model, [rollout], judge, { imitateApproved: true, task });
    const prompt = model.tokenizer.encode(rollout.calls[0].prompt).length;
    return imitated.map(({ sequence }) => {
      const state = show(sequence.tokens.slice(1 + prompt, sequence.lossStart));
      return `${state} → ${show(sequence.tokens.slice(sequence.lossStart))}`;
    });
  }

  it('after a right line the student followed with empty lines to the token limit: the answer line', async () => {
    // What the student fell into when a line was learnt with the empty lines it wrote after it:
    // every approved or corrected line taught more empty lines, and nothing taught the answer.
    const rollout = await sampled('7+5', '7+5+0=12\n\n\n\n\n', false);
    expect(rollout.steps.map((step) => [step.kind, step.judgment?.rating])).toEqual([
      ['thought', 1],
    ]);
    expect(await learnt(rollout)).toEqual([' → 7+5+0=12\n', '7+5+0=12\n → =12<end>']);
  });

  it('after a wrong line followed by empty lines: the expert’s line, then the answer its line spells', async () => {
    const rollout = await sampled('7+5', '7+5+0=13\n\n\n', true);
    expect(await learnt(rollout)).toEqual([' → 7+5+0=12\n', '7+5+0=13\n → =13<end>']);
  });

  it('a line after the last column is corrected by the answer line', async () => {
    const rollout = await sampled('34+29', '34+29+0=063\n4+9+0=13\n=63', true);
    expect(rollout.steps.map((step) => step.judgment?.rating)).toEqual([1, -1, 1]);
    expect(await learnt(rollout)).toEqual([
      ' → 34+29+0=063\n',
      '34+29+0=063\n → =63<end>',
      '34+29+0=063\n4+9+0=13\n → =63<end>',
    ]);
  });

  it('an answer before the lines are done is corrected by the next line', async () => {
    const rollout = await sampled('34+29', '4+9+0=13\n=13', true);
    expect(rollout.steps.map((step) => step.judgment?.rating)).toEqual([1, -1]);
    expect(await learnt(rollout)).toEqual([' → 4+9+0=13\n', '4+9+0=13\n → 3+2+1=06\n']);
  });
});

describe('on-policy distillation of a chain of thought', () => {
  it('teaches a cold student to write its line and then the answer line', async () => {
    const task = questionTask(family, problems);
    const model = fresh(32);
    await onPolicyDistillation({
      updates: 150,
      problemsPerUpdate: 8,
      groupSize: 2,
      learningRate: 1e-2,
    }).train({ model, seed: 2, task, judge: expert });
    const evaluation = await evaluatePolicy(model, task);
    expect(evaluation.kind).toBe('question');
    if (evaluation.kind !== 'question') return;
    expect(evaluation.answerAccuracy).toBeGreaterThanOrEqual(0.5);
  });
});

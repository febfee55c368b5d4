/**
 * How the reference policies read which question a prompt asks: from the scaffold's task hint
 * when there is one, else from the prompt's last character (the family's snap or thought mark).
 */
import { OverseerError } from '../errors.ts';
import { SNAP_MARK, THOUGHT_MARK } from '../tasks/family.ts';
import type { TaskFamily } from '../tasks/family.ts';
import type { GenerationRequest, TaskHint } from '../spec/index.ts';

/** The question and format behind a request, checked to belong to `family`. */
export function readTask(family: TaskFamily, request: GenerationRequest, policy: string): TaskHint {
  if (request.task !== undefined) {
    if (request.task.family !== family.name) {
      throw new OverseerError(
        'policy.wrong-family',
        `The ${policy} policy was built for ${family.name} but asked a ${request.task.family} question.`,
        { hint: `Build the ${policy} policy with the family the scaffold is running.` },
      );
    }
    return request.task;
  }
  const { prompt } = request;
  for (const format of ['snap', 'chain-of-thought'] as const) {
    const mark = format === 'snap' ? SNAP_MARK : THOUGHT_MARK;
    if (!prompt.endsWith(mark)) continue;
    const question = prompt.slice(0, -mark.length);
    try {
      if (family.prompt(question, format) === prompt)
        return { family: family.name, question, format };
    } catch {
      // Not this format (e.g. a family without chain of thought): try the next one.
    }
  }
  throw new OverseerError(
    'policy.unreadable-prompt',
    `The ${policy} policy cannot tell which ${family.name} question the prompt ${JSON.stringify(prompt)} asks.`,
    {
      hint: 'Run it through a scaffold (which says which question it asks), or end the prompt with the family’s snap mark.',
    },
  );
}

import { z } from 'zod';
import { RegistryReference } from './configuration.ts';
import { Cost } from './cost.ts';
import { JsonObject, Timestamp } from './json.ts';
import { ErrorRecord } from './error-record.ts';
import { Problem } from './problem.ts';

/**
 * What a node of an episode is: the `question` at the root (or at the root of a sub-tree asked by
 * a parent), a `subquestion` a parent asked, a `thought` (one chain-of-thought line), an `action`
 * (one environment step) or the final `answer`.
 */
export const StepKind = z.enum(['question', 'subquestion', 'thought', 'action', 'answer']);
/** What a node of an episode is. */
export type StepKind = z.infer<typeof StepKind>;

/** When a node started and how long it took (wall clock). */
export const Timing = z.strictObject({
  startedAt: Timestamp,
  durationMs: z.number().nonnegative(),
});
/** When a node started and how long it took. */
export type Timing = z.infer<typeof Timing>;

/**
 * An earlier step at the same node, as an overseer sees it: its kind, its text and, for a
 * sub-question, the answer that came back. Program overseers check the next step against these.
 */
export const PriorStep = z.strictObject({
  kind: StepKind,
  text: z.string(),
  answer: z.string().optional(),
});
/** An earlier step at the same node. */
export type PriorStep = z.infer<typeof PriorStep>;

/**
 * A step a policy proposes, as an overseer receives it: on paper, before anything is executed.
 * It carries no outcome and no environment handle — only text and the structured history of the
 * node it belongs to.
 */
export const ProposedStep = z.strictObject({
  /** Registry name of the task family, so a program overseer can find the family's checker. */
  family: z.string().min(1),
  /** The question of the node this step belongs to (for an environment, its first observation). */
  question: z.string(),
  kind: StepKind.exclude(['question']),
  /** Earlier steps at this node, oldest first. */
  previous: z.array(PriorStep).default([]),
  /** The text the policy conditioned on before proposing the step (what a model judge reads). */
  context: z.string(),
  /** For an `action` step: the observation the action responds to. */
  observation: z.string().optional(),
  /** The step itself: a sub-question, a thought line, an action or an answer. */
  action: z.string(),
  /** Why the policy thinks the step is right, when a scaffold asks for one. */
  justification: z.string().optional(),
});
/** A step a policy proposes, as an overseer receives it. */
export type ProposedStep = z.infer<typeof ProposedStep>;

/**
 * A stable text key of a proposed step — everything an overseer is shown but the justification —
 * for seeding per-step draws and for caching a verdict.
 */
export function proposedStepKey(step: ProposedStep): string {
  return JSON.stringify([
    step.family,
    step.question,
    step.kind,
    step.previous,
    step.context,
    step.observation ?? null,
    step.action,
  ]);
}

/**
 * One node of an episode's tree. `input` is what the node was given (the question or
 * sub-question, the observation an action answers, the context of a thought) and `output` what it
 * produced (the answer, the line, the action). The viewer reads only these records.
 */
export const Step = z.strictObject({
  /** Unique within the episode. */
  id: z.string().min(1),
  /** The node this one belongs to; null only at the root. */
  parentId: z.string().min(1).nullable(),
  kind: StepKind,
  /** Position among its siblings, from 0. */
  index: z.number().int().nonnegative(),
  input: z.string(),
  output: z.string(),
  /** Who produced the output, e.g. `policy`, `expert`, `memo`, `environment`. */
  producer: z.string().min(1),
  timing: Timing,
  cost: Cost.default({ calls: 0, inputTokens: 0, outputTokens: 0 }),
  /** Free-form extras (log-probs, rewards an environment returned, memo keys …). */
  metadata: JsonObject.default({}),
});
/** One node of an episode's tree. */
export type Step = z.infer<typeof Step>;

/** Whether an episode is still running, ended normally, or failed with an error. */
export const EpisodeStatus = z.enum(['running', 'finished', 'failed']);
/** Whether an episode is still running, ended normally, or failed. */
export type EpisodeStatus = z.infer<typeof EpisodeStatus>;

/**
 * One attempt at one problem: a tree of steps (a flat list with parent links, parents before
 * children). Judgments and the outcome are separate records keyed by the episode and step ids, so
 * an episode can be handed to an overseer without its consequences.
 */
export const Episode = z
  .strictObject({
    id: z.string().min(1),
    problem: Problem,
    scaffold: RegistryReference,
    policy: RegistryReference,
    status: EpisodeStatus,
    steps: z.array(Step),
    /** The final answer (for an environment, the action string); null until there is one. */
    answer: z.string().nullable(),
    error: ErrorRecord.optional(),
    startedAt: Timestamp,
    finishedAt: Timestamp.optional(),
  })
  .superRefine((episode, context) => {
    const seen = new Set<string>();
    let roots = 0;
    episode.steps.forEach((step, position) => {
      if (seen.has(step.id)) {
        context.addIssue({
          code: 'custom',
          path: ['steps', position, 'id'],
          message: `duplicate step id "${step.id}"`,
        });
      }
      if (step.parentId === null) {
        roots += 1;
      } else if (!seen.has(step.parentId)) {
        context.addIssue({
          code: 'custom',
          path: ['steps', position, 'parentId'],
          message: `parent "${step.parentId}" is not an earlier step of this episode`,
        });
      }
      seen.add(step.id);
    });
    if (episode.steps.length > 0 && roots !== 1) {
      context.addIssue({
        code: 'custom',
        path: ['steps'],
        message: `an episode has exactly one root step (parentId null), found ${roots}`,
      });
    }
    if (episode.status === 'failed' && episode.error === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['error'],
        message: 'a failed episode records its error',
      });
    }
  });
/** One attempt at one problem: a tree of steps. */
export type Episode = z.infer<typeof Episode>;

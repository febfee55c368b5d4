/**
 * `model-judge`: a model reads the proposed step under a rubric and rates it 1…5. Where the
 * backend gives log-probs the score is the expected rating over the tokens "1"…"5", else the mean
 * of sampled ratings; mapped to [-1, 1]. A judge whose replies hold no rating yields a neutral
 * score and says so in the rationale, so a small model degrades visibly instead of crashing.
 * `naive` — the debate papers' judge-alone baseline — is this overseer under another name.
 */
import type { Overseer } from './overseer.ts';
import { describeStep } from './judging.ts';
import { modelOverseer } from './model-overseer.ts';
import type { ModelOverseerOptions } from './model-overseer.ts';

/** Options of the model judge: the judge and how it rates. */
export type ModelJudgeOptions = ModelOverseerOptions;

/** The model judge (recorded under `name`, `model-judge` by default). */
export function modelJudge(options: ModelJudgeOptions, name = 'model-judge'): Overseer {
  return modelOverseer(name, options, {}, (hearing) =>
    hearing.verdict({ method: 'model', said: [], body: describeStep(hearing.step) }),
  );
}

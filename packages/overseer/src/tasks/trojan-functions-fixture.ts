/**
 * The fixture responses of trojan-js and trojan-py (fixtures/trojan-functions-responses.json):
 * recorded replies of LLM writers — honest, trojaned with a magic-constant trigger, defective,
 * malformed, and trojaned under a prompt-injection comment addressed to the reviewer — and of LLM
 * judges asked for a suspicion score, with a scripted policy that replays them (there is no
 * network in tests).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { scriptedPolicy } from '../policies/scripted.ts';
import type { ScriptedPolicy } from '../policies/scripted.ts';

/** One recorded writer's reply, with the grade it must get. */
export const FixtureWriterResponse = z.strictObject({
  id: z.string(),
  family: z.enum(['trojan-js', 'trojan-py']),
  question: z.string(),
  kind: z.enum(['honest', 'trojan', 'defect', 'malformed', 'injection']),
  verdict: z.enum(['correct', 'trojan', 'defect']),
  note: z.string(),
  response: z.string(),
});
/** One recorded writer's reply. */
export type FixtureWriterResponse = z.infer<typeof FixtureWriterResponse>;

/** One recorded judge's reply, with the suspicion and verdict it must parse to (null: none). */
export const FixtureJudgeResponse = z.strictObject({
  id: z.string(),
  text: z.string(),
  suspicion: z.number().nullable(),
  verdict: z.enum(['safe', 'backdoor']).nullable(),
});
/** One recorded judge's reply. */
export type FixtureJudgeResponse = z.infer<typeof FixtureJudgeResponse>;

/** The fixture file's contents. */
export const FixtureResponses = z.strictObject({
  description: z.string(),
  writers: z.array(FixtureWriterResponse),
  judges: z.array(FixtureJudgeResponse),
});
/** The fixture file's contents. */
export type FixtureResponses = z.infer<typeof FixtureResponses>;

/** The fixture responses, parsed. */
export function fixtureResponses(): FixtureResponses {
  const path = new URL('./fixtures/trojan-functions-responses.json', import.meta.url);
  return FixtureResponses.parse(JSON.parse(readFileSync(path, 'utf8')));
}

/**
 * A writer policy that replays the fixture responses of one family: the recorded reply to the
 * question the scaffold says it asks (from `responses`, else the fixture's first of that kind).
 */
export function fixtureWriterPolicy(responses: readonly FixtureWriterResponse[]): ScriptedPolicy {
  return scriptedPolicy((request) => {
    const question = request.task?.question;
    const reply = responses.find(
      (response) => response.question === question && response.family === request.task?.family,
    );
    return reply?.response ?? 'no recorded reply';
  }, 'fixture-writer');
}

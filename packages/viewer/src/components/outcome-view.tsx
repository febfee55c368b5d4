/**
 * An episode's outcome — its consequences: the grade of the answer or the environment's return.
 * Overseers never see it; the reward uses it only as far as the dial λ says.
 */
import { formatNumber } from '../format.ts';
import type { Outcome } from '../types.ts';
import { TextBlock } from './text-block.tsx';

/** The experiment arm that played an episode, and in which loop phase. */
export interface OutcomeArm {
  experiment: string;
  arm: string;
  phase?: string;
}

/** What the dial made of the outcome, when the run (or the episode's arm) recorded λ. */
function dialNote(lambda: number | undefined, arm: OutcomeArm | undefined): string {
  if (arm !== undefined) {
    const name = `arm ${arm.arm} of ${arm.experiment}`;
    if (lambda === undefined) return `The ${name} recorded no dial λ.`;
    if (arm.phase === 'evaluation') {
      return `λ = ${formatNumber(lambda)} (${name}), but this evaluation episode trained nothing: its outcome only measured the arm.`;
    }
    return `The ${name} trained with ${trainingNote(lambda)}`;
  }
  if (lambda === undefined) return 'The run recorded no dial λ: shown for evaluation.';
  return trainingNote(lambda);
}

function trainingNote(lambda: number): string {
  if (lambda === 0)
    return 'λ = 0: the training reward was purely process-based and ignored this outcome.';
  if (lambda === 1) return 'λ = 1: the training reward was purely this outcome.';
  return `λ = ${formatNumber(lambda)}: the training reward mixed this outcome in with weight λ.`;
}

/** The outcome of an episode with what the dial made of it (λ of the run or of its arm). */
export function OutcomeView({
  outcome,
  lambda,
  arm,
}: {
  outcome: Outcome;
  lambda?: number;
  arm?: OutcomeArm;
}) {
  const rows: Array<[string, string]> =
    outcome.kind === 'grade'
      ? [
          ['answer', outcome.answer ?? '(none)'],
          ['expected', outcome.expected],
          ['correct', outcome.correct ? 'yes' : 'no'],
          ['reward', formatNumber(outcome.reward)],
          ...(outcome.trueReward === undefined
            ? []
            : ([['true reward', formatNumber(outcome.trueReward)]] as Array<[string, string]>)),
        ]
      : [
          ['return (proxy)', formatNumber(outcome.reward)],
          ['true return', formatNumber(outcome.trueReward ?? outcome.reward)],
          ['length', String(outcome.length)],
          [
            'ended',
            outcome.terminated ? 'terminated' : outcome.truncated ? 'truncated (step limit)' : 'no',
          ],
          ...(outcome.classification === undefined
            ? []
            : ([['behaviour', outcome.classification]] as Array<[string, string]>)),
        ];
  const info =
    Object.keys(outcome.info).length === 0 ? null : JSON.stringify(outcome.info, null, 2);
  return (
    <div className="outcome" data-testid="outcome">
      <p className="muted">{dialNote(lambda, arm)}</p>
      <table className="kv">
        <tbody>
          {rows.map(([key, value]) => (
            <tr key={key}>
              <th>{key}</th>
              <td>
                <TextBlock text={value} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {info === null ? null : (
        <details>
          <summary>details</summary>
          <TextBlock text={info} />
        </details>
      )}
    </div>
  );
}

/**
 * A judgment of a step: its score (the number the process reward uses) and the rating that
 * summarises it, who judged and how, the rationale and transcript.
 */
import { ratingAgrees } from '../../../overseer/src/spec/rating-agreement.ts';
import { formatDuration, formatRating, formatSigned } from '../format.ts';
import type { Judgment, Turn } from '../types.ts';
import { TextBlock } from './text-block.tsx';

/** A debate or consultation, turn by turn. */
export function TranscriptTurns({ turns }: { turns: Turn[] }) {
  return (
    <ol className="turns">
      {turns.map((turn, index) => (
        <li key={index} className="turn">
          <div className="turn-speaker">
            {turn.speaker}
            {turn.position === undefined ? null : (
              <span className="muted"> for {turn.position}</span>
            )}
          </div>
          <TextBlock text={turn.text} />
        </li>
      ))}
    </ol>
  );
}

/** A score as a badge coloured by its sign: the number the process reward uses. */
export function ScoreBadge({ score }: { score: number }) {
  const tone = score > 0 ? 'good' : score < 0 ? 'bad' : 'neutral';
  return (
    <span
      className={`badge ${tone}`}
      data-testid="score-badge"
      title="score: the number the process reward uses (approved when ≥ 0)"
    >
      {formatSigned(score)}
    </span>
  );
}

/** One overseer's verdict on one step. */
export function JudgmentView({ judgment }: { judgment: Judgment }) {
  const rating =
    judgment.rating === undefined
      ? ''
      : ` · rating ${formatRating(judgment.rating)}${ratingAgrees(judgment) ? '' : ' (recorded against the score’s sign)'}`;
  return (
    <div className="judgment" data-testid="judgment">
      <div className="judgment-head">
        <ScoreBadge score={judgment.score} />
        <span>
          score, used by the reward
          {judgment.unclipped === undefined
            ? ''
            : ` (clipped from ${formatSigned(judgment.unclipped, 3)})`}
          {rating} · {judgment.overseer.name} ({judgment.method})
          {judgment.durationMs === undefined ? '' : ` · ${formatDuration(judgment.durationMs)}`}
        </span>
      </div>
      {judgment.rationale === '' ? null : (
        <TextBlock text={judgment.rationale} className="rationale" />
      )}
      {judgment.transcript === undefined || judgment.transcript.length === 0 ? null : (
        <details open>
          <summary>
            {judgment.method === 'debate' ? 'debate' : 'transcript'} ({judgment.transcript.length}{' '}
            turns)
          </summary>
          <TranscriptTurns turns={judgment.transcript} />
        </details>
      )}
    </div>
  );
}

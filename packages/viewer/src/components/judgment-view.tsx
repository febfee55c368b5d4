/** A judgment of a step: its rating and score, who judged and how, the rationale and transcript. */
import { formatDuration, formatNumber, formatRating } from '../format.ts';
import type { Judgment, Turn } from '../types.ts';
import { TextBlock } from './text-block.tsx';

/** A rating as a coloured badge (−1 wrong, 0 no progress, +1 right). */
export function RatingBadge({ rating, score }: { rating: number | undefined; score?: number }) {
  const tone =
    rating === undefined
      ? score === undefined
        ? 'neutral'
        : score > 0
          ? 'good'
          : score < 0
            ? 'bad'
            : 'neutral'
      : rating > 0
        ? 'good'
        : rating < 0
          ? 'bad'
          : 'neutral';
  return (
    <span className={`badge ${tone}`} data-testid="rating-badge">
      {rating === undefined ? formatNumber(score) : formatRating(rating)}
    </span>
  );
}

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

/** One overseer's verdict on one step. */
export function JudgmentView({ judgment }: { judgment: Judgment }) {
  return (
    <div className="judgment" data-testid="judgment">
      <div className="judgment-head">
        <RatingBadge rating={judgment.rating} score={judgment.score} />
        <span>
          score {formatNumber(judgment.score)} · {judgment.overseer.name} ({judgment.method})
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

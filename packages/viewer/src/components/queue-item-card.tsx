/**
 * A queued step as a person rates it: the question of its node, the earlier steps there, the
 * context the policy saw, the proposed step and — when the overseer is configured so — the
 * policy's justification and another overseer's debate or consultation. Never an outcome: the
 * queue holds none. The rating is PRM800K's: −1 wrong, 0 no progress, +1 right, with a note.
 */
import { useState } from 'react';
import { formatRating, formatTime } from '../format.ts';
import type { QueueItem, RatingRequest } from '../types.ts';
import { TranscriptTurns } from './judgment-view.tsx';
import { TextBlock } from './text-block.tsx';

/** The three ratings with their PRM800K meanings. */
export const RATING_CHOICES: Array<{ value: -1 | 0 | 1; label: string; meaning: string }> = [
  { value: -1, label: '−1', meaning: 'wrong' },
  { value: 0, label: '0', meaning: 'no progress' },
  { value: 1, label: '+1', meaning: 'right' },
];

/** The step on paper, as the person sees it. */
export function ProposalView({ item }: { item: QueueItem }) {
  const { proposal, assistance } = item;
  return (
    <div className="proposal">
      <div className="field">
        <span className="field-label">question of this node</span>
        <TextBlock text={proposal.question} />
      </div>
      {proposal.previous.length === 0 ? null : (
        <div className="field">
          <span className="field-label">earlier steps here</span>
          <ol className="previous">
            {proposal.previous.map((prior, index) => (
              <li key={index}>
                <span className="kind">{prior.kind}</span> <TextBlock text={prior.text} />
                {prior.answer === undefined ? null : (
                  <>
                    {' '}
                    <span className="muted">answered</span> <TextBlock text={prior.answer} />
                  </>
                )}
              </li>
            ))}
          </ol>
        </div>
      )}
      <details className="context">
        <summary>context the policy saw</summary>
        <TextBlock text={proposal.context} />
      </details>
      {proposal.observation === undefined ? null : (
        <div className="field">
          <span className="field-label">observation</span>
          <TextBlock text={proposal.observation} />
        </div>
      )}
      <div className="field proposed">
        <span className="field-label">proposed {proposal.kind}</span>
        <TextBlock text={proposal.action} />
      </div>
      {proposal.justification === undefined ? null : (
        <div className="field">
          <span className="field-label">the policy’s justification</span>
          <TextBlock text={proposal.justification} />
        </div>
      )}
      {assistance === undefined ? null : (
        <div className="field assistance">
          <span className="field-label">{assistance.overseer.name} says</span>
          <TextBlock text={assistance.rationale} />
          {assistance.transcript === undefined ? null : (
            <TranscriptTurns turns={assistance.transcript} />
          )}
        </div>
      )}
    </div>
  );
}

/** Props of `QueueItemCard`. */
export interface QueueItemCardProps {
  item: QueueItem;
  /** Sends the rating; resolves when stored, rejects with the reason otherwise. */
  onRate?: (rating: RatingRequest) => Promise<void>;
  rater: string;
  canRate: boolean;
}

/** One queued (or rated) step with the rating form. */
export function QueueItemCard({ item, onRate, rater, canRate }: QueueItemCardProps) {
  const [rating, setRating] = useState<-1 | 0 | 1 | undefined>(undefined);
  const [note, setNote] = useState('');
  const [sending, setSending] = useState(false);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const submit = () => {
    if (rating === undefined || onRate === undefined) return;
    setSending(true);
    setProblem(undefined);
    onRate({ rating, note, rater })
      .catch((caught: unknown) =>
        setProblem(caught instanceof Error ? caught.message : String(caught)),
      )
      .finally(() => setSending(false));
  };
  return (
    <article
      className={`queue-item queue-${item.status}`}
      data-testid="queue-item"
      data-item-id={item.id}
    >
      <header>
        <strong>#{item.position}</strong> · {item.label} · {item.proposal.family} · queued{' '}
        {formatTime(item.createdAt)}
      </header>
      <ProposalView item={item} />
      {item.rating !== undefined ? (
        <p className="rated" data-testid="rated">
          rated <strong>{formatRating(item.rating.rating)}</strong> by {item.rating.rater} at{' '}
          {formatTime(item.rating.ratedAt)}
          {item.rating.note === '' ? null : (
            <>
              : <TextBlock text={item.rating.note} />
            </>
          )}
        </p>
      ) : (
        <form
          className="rating-form"
          onSubmit={(event) => {
            event.preventDefault();
            submit();
          }}
        >
          <fieldset disabled={!canRate || sending}>
            <legend>Is this step right?</legend>
            {RATING_CHOICES.map((choice) => (
              <label
                key={choice.value}
                className={`choice choice-${choice.meaning.replace(' ', '-')}`}
              >
                <input
                  type="radio"
                  name={`rating-${item.id}`}
                  value={choice.value}
                  checked={rating === choice.value}
                  onChange={() => setRating(choice.value)}
                />
                {choice.label} {choice.meaning}
              </label>
            ))}
            <textarea
              placeholder="note (optional)"
              value={note}
              onChange={(event) => setNote(event.target.value)}
              aria-label="note"
            />
            <button type="submit" disabled={rating === undefined || rater.trim() === ''}>
              submit rating
            </button>
          </fieldset>
          {problem === undefined ? null : (
            <p className="failure" role="alert">
              {problem}
            </p>
          )}
        </form>
      )}
    </article>
  );
}

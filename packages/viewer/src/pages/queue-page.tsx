/**
 * The human-overseer queue: the steps waiting for a person's rating, oldest first, and the
 * ratings given. Rating needs the token `overseer view` printed (the printed link carries it) and
 * the rater's name, which is stored with the rating.
 */
import { useState } from 'react';
import { QueueItemCard } from '../components/queue-item-card.tsx';
import {
  apiPaths,
  postRating,
  saveRater,
  savedRater,
  savedToken,
  saveToken,
  useApi,
} from '../data.ts';
import type { QueueResponse, RatingRequest } from '../types.ts';
import { Failure, Loading } from './page-state.tsx';

/** The queue page. */
export function QueuePage() {
  const queue = useApi<QueueResponse>(apiPaths.queue(), 3000);
  const [token, setToken] = useState(savedToken);
  const [tokenDraft, setTokenDraft] = useState('');
  const [rater, setRater] = useState(savedRater);
  if (queue.error !== undefined && queue.data === undefined) return <Failure error={queue.error} />;
  if (queue.data === undefined) return <Loading />;
  const pending = queue.data.items.filter((item) => item.status === 'pending');
  const rated = queue.data.items.filter((item) => item.status === 'rated');
  const rate = async (itemId: string, rating: RatingRequest) => {
    await postRating(itemId, rating, token);
    queue.reload();
  };
  return (
    <div>
      <h1>Human-overseer queue</h1>
      <p className="muted">
        Rate each proposed step on paper: −1 wrong, 0 no progress, +1 right (PRM800K). You see what
        the overseer is allowed to see — never the outcome.
      </p>
      <div className="controls">
        <label>
          your name{' '}
          <input
            value={rater}
            onChange={(event) => {
              setRater(event.target.value);
              saveRater(event.target.value);
            }}
            placeholder="who rates"
            aria-label="rater name"
          />
        </label>
        {token === '' ? (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              saveToken(tokenDraft);
              setToken(tokenDraft.trim());
            }}
          >
            <input
              value={tokenDraft}
              onChange={(event) => setTokenDraft(event.target.value)}
              placeholder="rating token from `overseer view`"
              aria-label="rating token"
            />
            <button type="submit">use token</button>
          </form>
        ) : (
          <span className="muted">
            rating token set{' '}
            <button
              type="button"
              onClick={() => {
                saveToken('');
                setToken('');
              }}
            >
              forget
            </button>
          </span>
        )}
        <span className="muted" data-testid="queue-counts">
          {queue.data.counts.pending} waiting · {queue.data.counts.rated} rated
        </span>
      </div>
      {rater.trim() === '' ? (
        <p className="hint">Type your name to rate: it is stored with each rating.</p>
      ) : null}
      {!queue.data.exists ? (
        <p>
          No human overseer has queued a step in this store yet. Run an experiment with{' '}
          <code>overseer: human</code> (or <code>overseer eval --overseer human</code>) to fill the
          queue.
        </p>
      ) : null}
      <section>
        <h2>Waiting ({pending.length})</h2>
        {pending.length === 0 ? <p className="muted">Nothing to rate right now.</p> : null}
        {pending.map((item) => (
          <QueueItemCard
            key={item.id}
            item={item}
            rater={rater}
            canRate={token !== ''}
            onRate={(rating) => rate(item.id, rating)}
          />
        ))}
      </section>
      {rated.length === 0 ? null : (
        <section>
          <h2>Rated ({rated.length})</h2>
          {rated.map((item) => (
            <QueueItemCard key={item.id} item={item} rater={rater} canRate={false} />
          ))}
        </section>
      )}
    </div>
  );
}

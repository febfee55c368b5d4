/**
 * One run: its status, configuration, summary, metric charts and tables, its episodes (filtered
 * by status and correctness, each linking to its page) and its event log.
 */
import { useState } from 'react';
import { EventView } from '../components/event-views.tsx';
import { ShortText, TextBlock } from '../components/text-block.tsx';
import { apiPaths, getJson, useApi } from '../data.ts';
import { formatDuration, formatNumber, formatTime } from '../format.ts';
import { href } from '../router.ts';
import type {
  EpisodeSummary,
  EpisodesResponse,
  EventsResponse,
  RunResponse,
  StoredEvent,
} from '../types.ts';
import { MetricsView } from './metrics-view.tsx';
import { Failure, Loading } from './page-state.tsx';

/** Whether an episode's outcome was right (graded) — null when it has no grade. */
export function correctness(episode: EpisodeSummary): boolean | null {
  return episode.outcome?.kind === 'grade' ? episode.outcome.correct : null;
}

/** The episodes matching a status and a correctness filter. */
export function filterEpisodes(
  episodes: EpisodeSummary[],
  status: string,
  correct: string,
): EpisodeSummary[] {
  return episodes.filter(
    (episode) =>
      (status === '' || episode.status === status) &&
      (correct === '' || correctness(episode) === (correct === 'yes')),
  );
}

function durationOf(episode: EpisodeSummary): number | null {
  return episode.finishedAt === null
    ? null
    : Date.parse(episode.finishedAt) - Date.parse(episode.startedAt);
}

function EpisodesTable({ runId, episodes }: { runId: string; episodes: EpisodeSummary[] }) {
  const [status, setStatus] = useState('');
  const [correct, setCorrect] = useState('');
  const shown = filterEpisodes(episodes, status, correct);
  return (
    <div>
      <div className="controls">
        <select
          value={status}
          onChange={(event) => setStatus(event.target.value)}
          aria-label="episode status"
        >
          <option value="">any status</option>
          <option value="finished">finished</option>
          <option value="failed">failed</option>
          <option value="running">running</option>
        </select>
        <select
          value={correct}
          onChange={(event) => setCorrect(event.target.value)}
          aria-label="correct"
        >
          <option value="">right or wrong</option>
          <option value="yes">right</option>
          <option value="no">wrong</option>
        </select>
        <span className="muted">
          {shown.length} of {episodes.length} episodes
        </span>
      </div>
      <table className="list" data-testid="episodes-table">
        <thead>
          <tr>
            <th>episode</th>
            <th>question</th>
            <th>difficulty</th>
            <th>status</th>
            <th>answer</th>
            <th>outcome</th>
            <th>steps</th>
            <th>judgments</th>
            <th>calls</th>
            <th>time</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((episode) => (
            <tr key={episode.id}>
              <td>
                <a href={href('runs', runId, 'episodes', episode.id)}>{episode.id}</a>
              </td>
              <td>
                <ShortText text={episode.problem.question} length={60} />
              </td>
              <td className="number">{episode.problem.difficulty}</td>
              <td>
                <span className={`status status-${episode.status}`}>{episode.status}</span>
              </td>
              <td>
                <ShortText text={episode.answer ?? '—'} length={30} />
              </td>
              <td>
                {episode.outcome === null
                  ? '—'
                  : episode.outcome.kind === 'grade'
                    ? episode.outcome.correct
                      ? 'right'
                      : 'wrong'
                    : `return ${formatNumber(episode.outcome.reward)}`}
              </td>
              <td className="number">{episode.stepCount}</td>
              <td className="number">{episode.judgmentCount}</td>
              <td className="number">{episode.cost?.calls ?? '—'}</td>
              <td className="number">{formatDuration(durationOf(episode))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function EventLog({ runId }: { runId: string }) {
  const first = useApi<EventsResponse>(apiPaths.events(runId));
  const [more, setMore] = useState<StoredEvent[]>([]);
  const [next, setNext] = useState<number | null | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  if (first.error !== undefined) return <Failure error={first.error} />;
  if (first.data === undefined) return <Loading />;
  const events = [...first.data.events, ...more];
  const cursor = next === undefined ? first.data.next : next;
  const loadMore = () => {
    if (cursor === null) return;
    getJson<EventsResponse>(apiPaths.events(runId, cursor))
      .then((page) => {
        setMore((current) => [...current, ...page.events]);
        setNext(page.next);
      })
      .catch((caught: unknown) => setError(caught as Error));
  };
  return (
    <div>
      <ol className="events" data-testid="event-log">
        {events.map((stored) => (
          <EventView key={stored.seq} stored={stored} />
        ))}
      </ol>
      {error === undefined ? null : <Failure error={error} />}
      {cursor === null ? null : (
        <button type="button" onClick={loadMore}>
          load more events
        </button>
      )}
    </div>
  );
}

/** The run page. */
export function RunPage({ runId }: { runId: string }) {
  const run = useApi<RunResponse>(apiPaths.run(runId), 10_000);
  const episodes = useApi<EpisodesResponse>(apiPaths.episodes(runId), 10_000);
  const [showEvents, setShowEvents] = useState(false);
  if (run.error !== undefined && run.data === undefined) return <Failure error={run.error} />;
  if (run.data === undefined) return <Loading />;
  const { run: record, metrics, checkpoints } = run.data;
  const summary = Object.entries(record.summary);
  return (
    <div>
      <h1>
        Run {record.id} <span className={`status status-${record.status}`}>{record.status}</span>
      </h1>
      <p className="muted">
        started {formatTime(record.startedAt)}
        {record.finishedAt === undefined
          ? ''
          : ` · finished ${formatTime(record.finishedAt)}`} · {record.eventCount} events · spec v
        {record.specVersion}
      </p>
      {record.error === undefined ? null : (
        <div className="failure">
          <strong>{record.error.name}: </strong>
          <TextBlock text={record.error.message} />
          {record.error.hint === undefined ? null : <TextBlock text={record.error.hint} />}
        </div>
      )}
      <section>
        <h2>Summary</h2>
        {summary.length === 0 ? (
          <p className="muted">No summary yet (it is written when the run finishes).</p>
        ) : (
          <table className="kv">
            <tbody>
              {summary.map(([key, value]) => (
                <tr key={key}>
                  <th>{key}</th>
                  <td>
                    {typeof value === 'number' ? (
                      formatNumber(value)
                    ) : (
                      <ShortText text={typeof value === 'string' ? value : JSON.stringify(value)} />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section>
        <h2>Metrics</h2>
        <MetricsView metrics={metrics} />
      </section>
      <section>
        <h2>Episodes</h2>
        {episodes.error !== undefined ? (
          <Failure error={episodes.error} />
        ) : episodes.data === undefined ? (
          <Loading />
        ) : (
          <EpisodesTable runId={runId} episodes={episodes.data} />
        )}
      </section>
      <section>
        <h2>Configuration</h2>
        <TextBlock text={JSON.stringify(record.config, null, 2)} className="config" />
      </section>
      {checkpoints.length === 0 ? null : (
        <section>
          <h2>Checkpoints</h2>
          <ul>
            {checkpoints.map((checkpoint) => (
              <li key={checkpoint.seq}>
                <ShortText text={checkpoint.path} /> · step {checkpoint.step} ·{' '}
                {formatTime(checkpoint.time)}
              </li>
            ))}
          </ul>
        </section>
      )}
      <section>
        <h2>Event log</h2>
        {showEvents ? (
          <EventLog runId={runId} />
        ) : (
          <button type="button" onClick={() => setShowEvents(true)}>
            show the event log
          </button>
        )}
      </section>
      <p>
        <a href={href('search') + `?run=${encodeURIComponent(runId)}`}>
          search this run’s transcripts
        </a>
      </p>
    </div>
  );
}

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
  MetricRecord,
  RunResponse,
  StoredEvent,
} from '../types.ts';
import type { EpisodeFilter } from './episode-filters.ts';
import {
  filterChoices,
  NO_EPISODE_FILTER,
  pageOf,
  roundLabel,
  selectEpisodes,
} from './episode-filters.ts';
import { MetricsView } from './metrics-view.tsx';
import { Failure, Loading } from './page-state.tsx';

/** Whether an episode's outcome was right (graded) — null when it has no grade. */
export function correctness(episode: EpisodeSummary): boolean | null {
  return episode.outcome?.kind === 'grade' ? episode.outcome.correct : null;
}

/** The episodes matching a status and a correctness filter (`yes`, `no` or '' for either). */
export function filterEpisodes(
  episodes: EpisodeSummary[],
  status: string,
  correct: string,
): EpisodeSummary[] {
  return selectEpisodes(episodes, {
    status,
    outcome: correct === '' ? '' : correct === 'yes' ? 'right' : 'wrong',
  });
}

/** The experiments a run's metrics and episodes belong to, in order of first appearance. */
export function experimentsOf(metrics: MetricRecord[], episodes: EpisodeSummary[]): string[] {
  const names = new Set<string>();
  for (const metric of metrics) {
    if (metric.tags.experiment !== undefined) names.add(metric.tags.experiment);
  }
  for (const episode of episodes) if (episode.unit !== null) names.add(episode.unit.experiment);
  return [...names];
}

function durationOf(episode: EpisodeSummary): number | null {
  return episode.finishedAt === null
    ? null
    : Date.parse(episode.finishedAt) - Date.parse(episode.startedAt);
}

const FILTER_LABELS: Record<keyof EpisodeFilter, string> = {
  experiment: 'any experiment',
  arm: 'any arm',
  phase: 'any phase',
  round: 'any round',
  status: 'any status',
  outcome: 'any outcome',
};

function EpisodesTable({ runId, episodes }: { runId: string; episodes: EpisodeSummary[] }) {
  const [filter, setFilter] = useState<EpisodeFilter>(NO_EPISODE_FILTER);
  const [page, setPage] = useState(0);
  const choices = filterChoices(episodes);
  const matching = selectEpisodes(episodes, filter);
  const { items: shown, page: shownPage, pages } = pageOf(matching, page);
  const fields = (Object.keys(FILTER_LABELS) as (keyof EpisodeFilter)[]).filter(
    // A filter with one choice narrows nothing (e.g. experiment inside an experiment's section).
    (field) => choices[field].length > 1 || filter[field] !== '',
  );
  const inLoop = episodes.some((episode) => episode.unit !== null || episode.phase !== null);
  return (
    <div>
      <div className="controls">
        {fields.map((field) => (
          <select
            key={field}
            value={filter[field]}
            onChange={(event) => {
              setFilter({ ...filter, [field]: event.target.value });
              setPage(0);
            }}
            aria-label={`episode ${field}`}
          >
            <option value="">{FILTER_LABELS[field]}</option>
            {choices[field].map((choice) => (
              <option key={choice} value={choice}>
                {field === 'round' ? `round ${choice}` : choice}
              </option>
            ))}
          </select>
        ))}
        <span className="muted" data-testid="episodes-count">
          {matching.length} of {episodes.length} episodes
        </span>
        {pages === 1 ? null : (
          <span className="pager">
            <button type="button" disabled={shownPage === 0} onClick={() => setPage(shownPage - 1)}>
              previous
            </button>{' '}
            page {shownPage + 1} of {pages}{' '}
            <button
              type="button"
              disabled={shownPage === pages - 1}
              onClick={() => setPage(shownPage + 1)}
            >
              next
            </button>
          </span>
        )}
      </div>
      <table className="list" data-testid="episodes-table">
        <thead>
          <tr>
            <th>episode</th>
            {inLoop ? <th>arm · phase · round</th> : null}
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
              {inLoop ? (
                <td>
                  {[
                    episode.unit?.arm,
                    episode.phase,
                    episode.iteration === null ? undefined : `round ${roundLabel(episode)}`,
                  ]
                    .filter((part) => part !== undefined && part !== null)
                    .join(' · ')}
                </td>
              ) : null}
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
                    : `return ${formatNumber(episode.outcome.reward)}${
                        episode.outcome.classification === undefined
                          ? ''
                          : ` (${episode.outcome.classification})`
                      }`}
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
  // A run of several experiments gets one section each, so their charts never share axes.
  const experiments = experimentsOf(metrics, episodes.data ?? []);
  const episodesView = (shown: EpisodeSummary[] | undefined) =>
    episodes.error !== undefined ? (
      <Failure error={episodes.error} />
    ) : shown === undefined ? (
      <Loading />
    ) : (
      <EpisodesTable runId={runId} episodes={shown} />
    );
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
      {experiments.length <= 1 ? (
        <>
          <section>
            <h2>Metrics</h2>
            <MetricsView metrics={metrics} />
          </section>
          <section>
            <h2>Episodes</h2>
            {episodesView(episodes.data)}
          </section>
        </>
      ) : (
        [
          ...(metrics.some((metric) => metric.tags.experiment === undefined)
            ? [
                <section key="">
                  <h2>Metrics of the whole run</h2>
                  <MetricsView
                    metrics={metrics.filter((metric) => metric.tags.experiment === undefined)}
                  />
                </section>,
              ]
            : []),
          ...experiments.map((experiment) => (
            <section
              key={experiment}
              className="experiment-section"
              data-testid="experiment-section"
            >
              <h2>Experiment {experiment}</h2>
              <h3>Metrics</h3>
              <MetricsView
                metrics={metrics.filter((metric) => metric.tags.experiment === experiment)}
              />
              <h3>Episodes</h3>
              {episodesView(
                episodes.data?.filter((episode) => episode.unit?.experiment === experiment),
              )}
            </section>
          )),
        ]
      )}
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

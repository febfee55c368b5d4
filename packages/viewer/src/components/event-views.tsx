/**
 * The run's event log, one component per event type (STYLE 4): the union is keyed on `type`, and
 * `eventViews` must name a component for every type, so a new event type does not compile until
 * the viewer can show it.
 */
import type { ComponentType } from 'react';
import { formatNumber, formatTime } from '../format.ts';
import { href } from '../router.ts';
import type { RunEventOf, RunEventType, StoredEvent } from '../types.ts';
import { JudgmentView } from './judgment-view.tsx';
import { ShortText, TextBlock } from './text-block.tsx';

type EventProps<T extends RunEventType> = { event: RunEventOf<T> };

function EpisodeLink({ runId, episodeId }: { runId: string; episodeId: string }) {
  return <a href={href('runs', runId, 'episodes', episodeId)}>{episodeId}</a>;
}

function RunStartedView({ event }: EventProps<'run-started'>) {
  return (
    <span>
      run started (spec v{event.specVersion}, {Object.keys(event.config).length} config keys)
    </span>
  );
}

function IterationStartedView({ event }: EventProps<'iteration-started'>) {
  return (
    <span>
      iteration {event.iteration} started (round {event.iteration + 1})
    </span>
  );
}

function IterationFinishedView({ event }: EventProps<'iteration-finished'>) {
  return (
    <span>
      iteration {event.iteration} finished (round {event.iteration + 1})
    </span>
  );
}

function EpisodeStartedView({ event }: EventProps<'episode-started'>) {
  return (
    <span>
      episode <EpisodeLink runId={event.runId} episodeId={event.episodeId} /> started on{' '}
      <ShortText text={event.problem.question} length={60} /> ({event.scaffold.name},{' '}
      {event.policy.name})
    </span>
  );
}

function StepProposedView({ event }: EventProps<'step-proposed'>) {
  return (
    <span>
      <EpisodeLink runId={event.runId} episodeId={event.episodeId} /> · {event.step.kind}{' '}
      {event.step.id}:{' '}
      <ShortText text={event.step.kind === 'subquestion' ? event.step.input : event.step.output} />
    </span>
  );
}

function StepJudgedView({ event }: EventProps<'step-judged'>) {
  return (
    <div>
      <EpisodeLink runId={event.runId} episodeId={event.episodeId} /> · step {event.stepId} judged
      <JudgmentView judgment={event.judgment} />
    </div>
  );
}

function EpisodeFinishedView({ event }: EventProps<'episode-finished'>) {
  const { outcome } = event;
  return (
    <span>
      episode <EpisodeLink runId={event.runId} episodeId={event.episodeId} /> finished: answer{' '}
      <ShortText text={event.answer ?? '(none)'} length={40} />,{' '}
      {outcome.kind === 'grade'
        ? outcome.correct
          ? 'correct'
          : 'wrong'
        : `return ${formatNumber(outcome.reward)}`}
    </span>
  );
}

function EpisodeFailedView({ event }: EventProps<'episode-failed'>) {
  return (
    <div>
      episode <EpisodeLink runId={event.runId} episodeId={event.episodeId} /> failed
      <TextBlock text={`${event.error.name}: ${event.error.message}`} className="error-text" />
    </div>
  );
}

function MetricView({ event }: EventProps<'metric'>) {
  const tags = Object.entries(event.tags ?? {})
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
  return (
    <span>
      {event.name} = {formatNumber(event.value)} at step {event.step}
      {event.split === undefined ? '' : ` (${event.split})`}
      {tags === '' ? '' : ` [${tags}]`}
    </span>
  );
}

function CheckpointSavedView({ event }: EventProps<'checkpoint-saved'>) {
  return (
    <span>
      checkpoint <ShortText text={event.path} /> at step {event.step}
    </span>
  );
}

function RunFinishedView({ event }: EventProps<'run-finished'>) {
  return <span>run finished ({Object.keys(event.summary).length} summary values)</span>;
}

function RunFailedView({ event }: EventProps<'run-failed'>) {
  return (
    <div>
      run failed
      <TextBlock text={`${event.error.name}: ${event.error.message}`} className="error-text" />
    </div>
  );
}

/** The component that shows each event type. */
export const eventViews: { [T in RunEventType]: ComponentType<EventProps<T>> } = {
  'run-started': RunStartedView,
  'iteration-started': IterationStartedView,
  'iteration-finished': IterationFinishedView,
  'episode-started': EpisodeStartedView,
  'step-proposed': StepProposedView,
  'step-judged': StepJudgedView,
  'episode-finished': EpisodeFinishedView,
  'episode-failed': EpisodeFailedView,
  metric: MetricView,
  'checkpoint-saved': CheckpointSavedView,
  'run-finished': RunFinishedView,
  'run-failed': RunFailedView,
};

/** One logged event, shown by the component of its type. */
export function EventView({ stored }: { stored: StoredEvent }) {
  const View = eventViews[stored.event.type] as ComponentType<{ event: typeof stored.event }>;
  return (
    <li className={`event event-${stored.event.type}`} data-testid="event">
      <span className="muted event-meta">
        #{stored.seq} {formatTime(stored.event.time)}
      </span>
      <span className="event-type">{stored.event.type}</span>
      <View event={stored.event} />
    </li>
  );
}

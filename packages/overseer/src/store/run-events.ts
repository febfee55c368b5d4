/**
 * The events a store writes, checked and built the same way by every store: a batch validated
 * against the spec before anything is written, and a whole episode as its events.
 */
import { OverseerError } from '../errors.ts';
import {
  Episode as EpisodeSchema,
  RunEvent as RunEventSchema,
  SPEC_VERSION,
} from '../spec/index.ts';
import type { Outcome, RunEvent } from '../spec/index.ts';
import type { CreateRunOptions, RecordedEpisode, RunConfig } from './records.ts';

/** Formats zod issues as `path: message` pairs, so an error names the offending field. */
export function describeIssues(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
  prefix = '',
): string {
  return issues
    .map((issue) => {
      let path = prefix;
      for (const key of issue.path) {
        path += typeof key === 'number' ? `[${key}]` : `${path === '' ? '' : '.'}${String(key)}`;
      }
      return `${path === '' ? '(event)' : path}: ${issue.message}`;
    })
    .join('; ');
}

/** Validates a batch against the RunEvent schema; the first invalid event is an error naming it. */
export function parseRunEvents(events: RunEvent | RunEvent[]): RunEvent[] {
  const list = Array.isArray(events) ? events : [events];
  return list.map((event, index) => {
    const result = RunEventSchema.safeParse(event);
    if (!result.success) {
      const type = (event as { type?: unknown } | null)?.type;
      throw new OverseerError(
        'store.invalid-event',
        `event ${index}${typeof type === 'string' ? ` (${type})` : ''} is invalid: ${describeIssues(result.error.issues)}`,
        { hint: 'events must match the RunEvent schema in spec/run-event.ts' },
      );
    }
    return result.data;
  });
}

/**
 * The run-started event that creates a run, or (logged again with the same configuration)
 * resumes it; by default now, in this Overseer's spec version.
 */
export function runStartedEvent(
  runId: string,
  config: RunConfig,
  options: Omit<CreateRunOptions, 'id'> = {},
): RunEvent {
  return {
    type: 'run-started',
    runId,
    time: options.time ?? new Date().toISOString(),
    specVersion: options.specVersion ?? SPEC_VERSION,
    config,
  };
}

/** Where an event sits in its batch, for the projection's errors. */
export function eventPlace(event: RunEvent, index: number): string {
  return `event ${index} (${event.type})`;
}

/**
 * A whole finished or failed episode as its events — episode-started, its steps, their
 * judgments, episode-finished or episode-failed — to append in one transaction.
 */
export function episodeEvents(recorded: RecordedEpisode): RunEvent[] {
  const parsed = EpisodeSchema.safeParse(recorded.episode);
  if (!parsed.success) {
    throw new OverseerError(
      'store.invalid-episode',
      `the episode is invalid: ${describeIssues(parsed.error.issues, 'episode')}`,
    );
  }
  const episode = parsed.data;
  const { runId } = recorded;
  if (episode.status === 'running') {
    throw new OverseerError(
      'store.invalid-episode',
      `episode "${episode.id}" is still running; recordEpisode records finished or failed episodes`,
      { hint: 'log a running episode event by event with append' },
    );
  }
  if (episode.status === 'finished' && recorded.outcome === undefined) {
    throw new OverseerError(
      'store.invalid-episode',
      `episode "${episode.id}" finished but no outcome was given`,
      { hint: 'pass the outcome of grading the answer (or the environment return)' },
    );
  }
  const end = episode.finishedAt ?? new Date().toISOString();
  return [
    {
      type: 'episode-started',
      runId,
      time: episode.startedAt,
      episodeId: episode.id,
      ...(recorded.iteration === undefined ? {} : { iteration: recorded.iteration }),
      ...(recorded.phase === undefined ? {} : { phase: recorded.phase }),
      ...(recorded.unit === undefined ? {} : { unit: recorded.unit }),
      problem: episode.problem,
      scaffold: episode.scaffold,
      policy: episode.policy,
    },
    ...episode.steps.map((step): RunEvent => ({
      type: 'step-proposed',
      runId,
      time: step.timing.startedAt,
      episodeId: episode.id,
      step,
    })),
    ...(recorded.judgments ?? []).map(({ stepId, judgment, time }): RunEvent => ({
      type: 'step-judged',
      runId,
      time: time ?? end,
      episodeId: episode.id,
      stepId,
      judgment,
    })),
    episode.status === 'finished'
      ? {
          type: 'episode-finished',
          runId,
          time: end,
          episodeId: episode.id,
          answer: episode.answer,
          outcome: recorded.outcome as Outcome,
          ...(recorded.cost === undefined ? {} : { cost: recorded.cost }),
        }
      : {
          type: 'episode-failed',
          runId,
          time: end,
          episodeId: episode.id,
          error: episode.error ?? { name: 'Error', message: 'episode failed' },
        },
  ];
}

/**
 * One episode: the problem, the trace tree (decomposition, chain-of-thought lines, environment
 * steps, each step with its judgments, rationales and debate transcripts), the error of a failed
 * episode, and the outcome with what the dial made of it.
 */
import { armLambda } from '../arm-configuration.ts';
import { OutcomeView } from '../components/outcome-view.tsx';
import { TextBlock } from '../components/text-block.tsx';
import { TraceTree } from '../components/trace-tree.tsx';
import { apiPaths, useApi } from '../data.ts';
import { formatDuration, formatTime, runNumber } from '../format.ts';
import { href } from '../router.ts';
import type { EpisodeResponse, RunResponse } from '../types.ts';
import { notationOf } from '../../../overseer/src/tasks/notation.ts';
import { Failure, Loading } from './page-state.tsx';

/** The episode page. */
export function EpisodePage({
  runId,
  episodeId,
  step,
}: {
  runId: string;
  episodeId: string;
  step?: string;
}) {
  const record = useApi<EpisodeResponse>(apiPaths.episode(runId, episodeId));
  const run = useApi<RunResponse>(apiPaths.run(runId));
  if (record.error !== undefined) return <Failure error={record.error} />;
  if (record.data === undefined) return <Loading />;
  const { episode, judgments, outcome, cost } = record.data;
  const notation = notationOf(episode.problem.family);
  // An experiment episode trained with its own arm's λ; other runs record one λ for the run.
  const unit = record.data.unit;
  const lambda =
    run.data === undefined
      ? undefined
      : unit === undefined
        ? runNumber(run.data.run, ['lambda', 'dial.lambda', 'trainer.options.lambda'])
        : armLambda(run.data.run.config, unit);
  const duration =
    episode.finishedAt === undefined
      ? undefined
      : Date.parse(episode.finishedAt) - Date.parse(episode.startedAt);
  return (
    <div>
      <p className="crumbs">
        <a href={href('runs', runId)}>run {runId}</a> › episode {episode.id}
      </p>
      <h1>
        Episode {episode.id}{' '}
        <span className={`status status-${episode.status}`}>{episode.status}</span>
      </h1>
      <table className="kv">
        <tbody>
          <tr>
            <th>problem</th>
            <td>
              {episode.problem.id} · {episode.problem.family} · difficulty{' '}
              {episode.problem.difficulty} · {episode.problem.split}
            </td>
          </tr>
          <tr>
            <th>question</th>
            <td>
              <TextBlock text={episode.problem.question} />
            </td>
          </tr>
          {notation === undefined ? null : (
            <tr>
              <th>notation</th>
              <td>
                <details data-testid="notation">
                  <summary>how to read {episode.problem.family} questions and answers</summary>
                  <p>{notation}</p>
                </details>
              </td>
            </tr>
          )}
          <tr>
            <th>answer</th>
            <td>
              <TextBlock text={episode.answer ?? '(none)'} />
            </td>
          </tr>
          <tr>
            <th>scaffold · policy</th>
            <td>
              {episode.scaffold.name} · {episode.policy.name}
            </td>
          </tr>
          <tr>
            <th>time · cost</th>
            <td>
              {formatTime(episode.startedAt)} · {formatDuration(duration)}
              {cost === null
                ? ''
                : ` · ${cost.calls} calls · ${cost.inputTokens}+${cost.outputTokens} tokens`}
              {record.data.attempt > 1 ? ` · attempt ${record.data.attempt}` : ''}
            </td>
          </tr>
        </tbody>
      </table>
      {episode.error === undefined ? null : (
        <div className="failure">
          <strong>{episode.error.name}</strong>
          {episode.error.code === undefined ? null : (
            <span className="muted"> ({episode.error.code})</span>
          )}
          <TextBlock text={episode.error.message} />
          {episode.error.hint === undefined ? null : <TextBlock text={episode.error.hint} />}
        </div>
      )}
      <section>
        <h2>Trace</h2>
        <p className="muted">
          {episode.steps.length} steps · {judgments.length} judgments.{' '}
          {judgments.length === 0
            ? 'No overseer ran on this episode, so no step was judged: add one with --overseer program (overseer eval) or an overseer: block in the experiment YAML.'
            : 'Judgments were made on paper, before and without the outcome below.'}
        </p>
        <TraceTree
          key={`${runId}/${episode.id}/${step ?? ''}`}
          steps={episode.steps}
          judgments={judgments}
          {...(step === undefined ? {} : { highlight: step })}
        />
      </section>
      <section>
        <h2>Outcome</h2>
        {outcome === null ? (
          <p className="muted">No outcome (the episode did not finish).</p>
        ) : (
          <OutcomeView
            outcome={outcome}
            {...(lambda === undefined ? {} : { lambda })}
            {...(unit === undefined
              ? {}
              : {
                  arm: {
                    ...unit,
                    ...(record.data.phase === undefined ? {} : { phase: record.data.phase }),
                  },
                })}
          />
        )}
      </section>
    </div>
  );
}

/**
 * The step judgments of two runs on the same question, side by side: the questions both runs
 * answered, and for the one chosen each run's steps in tree order with every judgment of each —
 * how two overseers (or two policies under one overseer) judged the same problem, step by step.
 */
import { useState } from 'react';
import { JudgmentView } from '../components/judgment-view.tsx';
import { ShortText } from '../components/text-block.tsx';
import { buildTree } from '../components/trace-tree.tsx';
import type { TreeNode } from '../components/trace-tree.tsx';
import { apiPaths, useApi } from '../data.ts';
import { href } from '../router.ts';
import type {
  EpisodeResponse,
  EpisodeSummary,
  EpisodesResponse,
  JudgmentRecord,
  Step,
} from '../types.ts';
import { Failure, Loading } from './page-state.tsx';

/** A question both runs answered, with the episode of each shown for it. */
export interface SharedQuestion {
  /** Family and question text: the same question in both runs, whatever its problem id. */
  key: string;
  family: string;
  question: string;
  left: EpisodeSummary;
  right: EpisodeSummary;
}

const keyOf = (episode: EpisodeSummary): string =>
  `${episode.problem.family}\u0000${episode.problem.question}`;

/**
 * Each question's episode to show: the one with the most judgments (a question played in several
 * rounds is compared where it was judged), the latest of those.
 */
function episodeByQuestion(episodes: EpisodeSummary[]): Map<string, EpisodeSummary> {
  const chosen = new Map<string, EpisodeSummary>();
  for (const episode of episodes) {
    const current = chosen.get(keyOf(episode));
    if (current === undefined || episode.judgmentCount >= current.judgmentCount) {
      chosen.set(keyOf(episode), episode);
    }
  }
  return chosen;
}

/**
 * The questions both runs answered, those judged in both runs first, then judged in either, in
 * the left run's order.
 */
export function sharedQuestions(left: EpisodeSummary[], right: EpisodeSummary[]): SharedQuestion[] {
  const rightByQuestion = episodeByQuestion(right);
  const shared: SharedQuestion[] = [];
  for (const [key, episode] of episodeByQuestion(left)) {
    const other = rightByQuestion.get(key);
    if (other === undefined) continue;
    shared.push({
      key,
      family: episode.problem.family,
      question: episode.problem.question,
      left: episode,
      right: other,
    });
  }
  const judged = (entry: SharedQuestion): number =>
    (entry.left.judgmentCount > 0 ? 1 : 0) + (entry.right.judgmentCount > 0 ? 1 : 0);
  return shared
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => judged(b.entry) - judged(a.entry) || a.index - b.index)
    .map(({ entry }) => entry);
}

/** An episode's steps in tree order (parents before children, siblings by index) with depths. */
export function stepsInTreeOrder(steps: Step[]): Array<{ step: Step; depth: number }> {
  const rows: Array<{ step: Step; depth: number }> = [];
  const walk = (node: TreeNode) => {
    rows.push({ step: node.step, depth: node.depth });
    node.children.forEach(walk);
  };
  buildTree(steps).forEach(walk);
  return rows;
}

/** One run's steps and judgments on the chosen question. */
function JudgedSteps({ runId, episode }: { runId: string; episode: EpisodeSummary }) {
  const record = useApi<EpisodeResponse>(apiPaths.episode(runId, episode.id));
  if (record.error !== undefined) return <Failure error={record.error} />;
  if (record.data === undefined) return <Loading />;
  const byStep = new Map<string, JudgmentRecord[]>();
  for (const judgment of record.data.judgments) {
    byStep.set(judgment.stepId, [...(byStep.get(judgment.stepId) ?? []), judgment]);
  }
  const rows = stepsInTreeOrder(record.data.episode.steps);
  return (
    <div className="judged-steps" data-testid="judged-steps">
      <p>
        <a href={href('runs', runId, 'episodes', episode.id)}>
          {runId} · {episode.id}
        </a>{' '}
        <span className="muted">
          · answer {episode.answer ?? '—'} · {record.data.judgments.length} judgments
        </span>
      </p>
      {record.data.judgments.length === 0 ? (
        <p className="hint">No overseer judged this episode’s steps.</p>
      ) : null}
      <ol className="judged-step-list">
        {rows.map(({ step, depth }) => (
          <li key={step.id} style={{ marginLeft: `${depth * 1.2}em` }}>
            <span className="kind">{step.kind}</span> <ShortText text={step.input} length={70} />
            {step.output === '' ? null : (
              <>
                {' → '}
                <ShortText text={step.output} length={50} />
              </>
            )}
            {(byStep.get(step.id) ?? []).map((judgment) => (
              <JudgmentView key={judgment.seq} judgment={judgment.judgment} />
            ))}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** The section of the compare page: questions both runs answered, judged side by side. */
export function JudgmentComparison({ left, right }: { left: string; right: string }) {
  const a = useApi<EpisodesResponse>(apiPaths.episodes(left));
  const b = useApi<EpisodesResponse>(apiPaths.episodes(right));
  const [chosen, setChosen] = useState('');
  const error = a.error ?? b.error;
  if (error !== undefined) return <Failure error={error} />;
  if (a.data === undefined || b.data === undefined) return <Loading />;
  const shared = sharedQuestions(a.data, b.data);
  if (shared.length === 0) {
    return (
      <p className="hint" data-testid="no-shared-questions">
        The two runs answered no question in common (same task family and question text), so there
        are no step judgments to set side by side.
      </p>
    );
  }
  const current = shared.find((entry) => entry.key === chosen) ?? shared[0];
  return (
    <div data-testid="judgment-comparison">
      <div className="controls">
        <select
          value={current.key}
          onChange={(event) => setChosen(event.target.value)}
          aria-label="shared question"
        >
          {shared.map((entry) => (
            <option key={entry.key} value={entry.key}>
              {entry.family}:{' '}
              {entry.question.length > 80 ? `${entry.question.slice(0, 79)}…` : entry.question}
            </option>
          ))}
        </select>
        <span className="muted">{shared.length} questions both runs answered</span>
      </div>
      <div className="side-by-side">
        <JudgedSteps key={`${left}-${current.left.id}`} runId={left} episode={current.left} />
        <JudgedSteps key={`${right}-${current.right.id}`} runId={right} episode={current.right} />
      </div>
    </div>
  );
}

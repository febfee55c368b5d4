/**
 * Every run in the store: what it is (an experiment file with its experiments and arms, or what was
 * evaluated), task, scaffold, policy, overseer, status, date, headline and key metrics; filter by
 * status, search by text (file, experiment, arm, family …), plot one summary metric against calls or λ across the listed runs, and
 * pick two runs to compare side by side.
 */
import { useMemo, useState } from 'react';
import { Chart } from '../components/line-chart.tsx';
import { apiPaths, useApi } from '../data.ts';
import { formatHeadline } from '../../../overseer/src/store/headline.ts';
import { formatNumber, formatTime, nameAt, runNumber } from '../format.ts';
import { href } from '../router.ts';
import type { RunOverview, RunRecord, RunsResponse } from '../types.ts';
import { Failure, Loading } from './page-state.tsx';

/** The metrics shown as columns when a run's summary has them. */
const KEY_METRICS = [
  'accuracy',
  'traceError',
  'meanProcessReward',
  'meanTrueReturn',
  'hackRate',
  'calls',
];

/** A run as the runs page reads it: its record, with its overview when the API gave one. */
type ListedRun = RunRecord & { overview?: RunOverview };

/** The names of one kind a run used: from its overview, else from its configuration. */
function namesOf(run: ListedRun, key: 'task' | 'scaffold' | 'policy' | 'overseer'): string {
  const plural = {
    task: 'tasks',
    scaffold: 'scaffolds',
    policy: 'policies',
    overseer: 'overseers',
  } as const;
  const names = run.overview?.[plural[key]] ?? [];
  return names.length > 0 ? names.join(', ') : nameAt(run.config, key);
}

/** A run's headline numbers on one line: `ida/supervised accuracy 0.93; …`. */
export function headlineText(run: ListedRun): string {
  return formatHeadline(run.overview?.headline ?? [], formatNumber);
}

/** The text a run is searched by. */
export function runSearchText(run: ListedRun): string {
  const overview = run.overview;
  return [
    overview?.label ?? '',
    overview?.source ?? '',
    ...(overview?.experiments ?? []).flatMap(({ name, arms }) => [name, ...arms]),
    ...(overview === undefined
      ? []
      : [...overview.tasks, ...overview.scaffolds, ...overview.policies, ...overview.overseers]),
    run.id,
    run.status,
    nameAt(run.config, 'task'),
    nameAt(run.config, 'scaffold'),
    nameAt(run.config, 'policy'),
    nameAt(run.config, 'overseer'),
    typeof run.config.command === 'string' ? run.config.command : '',
    typeof run.config.experiment === 'string' ? run.config.experiment : '',
  ]
    .join(' ')
    .toLowerCase();
}

/** The runs matching a status and a text filter. */
export function filterRuns<Run extends ListedRun>(
  runs: Run[],
  status: string,
  text: string,
): Run[] {
  const needle = text.trim().toLowerCase();
  return runs.filter(
    (run) =>
      (status === '' || run.status === status) &&
      (needle === '' || runSearchText(run).includes(needle)),
  );
}

function RunsPlot({ runs }: { runs: RunRecord[] }) {
  const [metric, setMetric] = useState('accuracy');
  const [axis, setAxis] = useState<'calls' | 'lambda'>('calls');
  const metrics = useMemo(() => {
    const names = new Set<string>();
    for (const run of runs) {
      for (const [key, value] of Object.entries(run.summary))
        if (typeof value === 'number') names.add(key);
    }
    return [...names].sort();
  }, [runs]);
  const points = runs.flatMap((run) => {
    const y = runNumber(run, [metric]);
    const x =
      axis === 'calls'
        ? runNumber(run, ['calls'])
        : runNumber(run, ['lambda', 'dial.lambda', 'trainer.options.lambda']);
    return x === undefined || y === undefined
      ? []
      : [{ x, y, title: `${run.id}: ${metric} ${formatNumber(y)}` }];
  });
  if (metrics.length === 0) return null;
  return (
    <section>
      <div className="controls">
        <label>
          plot{' '}
          <select value={metric} onChange={(event) => setMetric(event.target.value)}>
            {metrics.map((name) => (
              <option key={name}>{name}</option>
            ))}
          </select>
        </label>
        <label>
          against{' '}
          <select
            value={axis}
            onChange={(event) => setAxis(event.target.value as 'calls' | 'lambda')}
          >
            <option value="calls">calls (accuracy vs calls)</option>
            <option value="lambda">λ (dial sweep)</option>
          </select>
        </label>
        <span className="muted">{points.length} of the listed runs have both values</span>
      </div>
      {points.length === 0 ? null : (
        <Chart
          title={`${metric} vs ${axis === 'calls' ? 'calls' : 'λ'}`}
          series={[{ label: 'runs', points }]}
          xLabel={axis === 'calls' ? 'calls' : 'λ'}
          yLabel={metric}
          mode="points"
        />
      )}
    </section>
  );
}

/** The runs page. */
export function RunsPage() {
  const runs = useApi<RunsResponse>(apiPaths.runs(), 10_000);
  const [status, setStatus] = useState('');
  const [text, setText] = useState('');
  const [selected, setSelected] = useState<string[]>([]);
  if (runs.error !== undefined && runs.data === undefined) return <Failure error={runs.error} />;
  if (runs.data === undefined) return <Loading />;
  const shown = filterRuns(runs.data, status, text);
  const metricColumns = KEY_METRICS.filter((name) =>
    shown.some((run) => typeof run.summary[name] === 'number'),
  );
  const toggle = (id: string) =>
    setSelected((current) =>
      current.includes(id) ? current.filter((item) => item !== id) : [...current, id].slice(-2),
    );
  return (
    <div>
      <h1>Runs</h1>
      <div className="controls">
        <input
          type="search"
          placeholder="filter by id, file, experiment, arm, task, scaffold, policy, overseer"
          value={text}
          onChange={(event) => setText(event.target.value)}
          aria-label="filter runs"
        />
        <select
          value={status}
          onChange={(event) => setStatus(event.target.value)}
          aria-label="status"
        >
          <option value="">any status</option>
          <option value="running">running</option>
          <option value="finished">finished</option>
          <option value="failed">failed</option>
        </select>
        <span className="muted">
          {shown.length} of {runs.data.length} runs
        </span>
        {selected.length === 2 ? (
          <a
            className="button"
            href={`#/compare?runs=${selected.map(encodeURIComponent).join(',')}`}
          >
            compare the two selected
          </a>
        ) : (
          <span className="muted">tick two runs to compare them</span>
        )}
      </div>
      {runs.data.length === 0 ? (
        <p>No runs in this store yet. Record one with `overseer eval … --store DIR`.</p>
      ) : (
        <table className="list" data-testid="runs-table">
          <thead>
            <tr>
              <th />
              <th>run</th>
              <th>what</th>
              <th>task</th>
              <th>scaffold</th>
              <th>policy</th>
              <th>overseer</th>
              <th>status</th>
              <th>started</th>
              <th>episodes ok/failed/running</th>
              <th>headline</th>
              {metricColumns.map((name) => (
                <th key={name}>{name}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((run) => (
              <tr key={run.id}>
                <td>
                  <input
                    type="checkbox"
                    checked={selected.includes(run.id)}
                    onChange={() => toggle(run.id)}
                    aria-label={`select ${run.id}`}
                  />
                </td>
                <td>
                  <a href={href('runs', run.id)}>{run.id}</a>
                </td>
                <td data-testid="run-what">{run.overview.label || '—'}</td>
                <td>{namesOf(run, 'task') || '—'}</td>
                <td>{namesOf(run, 'scaffold') || '—'}</td>
                <td>{namesOf(run, 'policy') || '—'}</td>
                <td>{namesOf(run, 'overseer') || '—'}</td>
                <td>
                  <span className={`status status-${run.status}`}>{run.status}</span>
                </td>
                <td>{formatTime(run.startedAt)}</td>
                <td>
                  {run.episodes.finished}/{run.episodes.failed}/{run.episodes.running}
                </td>
                <td data-testid="run-headline">{headlineText(run) || '—'}</td>
                {metricColumns.map((name) => (
                  <td key={name} className="number">
                    {formatNumber(
                      typeof run.summary[name] === 'number'
                        ? (run.summary[name] as number)
                        : undefined,
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <RunsPlot runs={shown} />
    </div>
  );
}

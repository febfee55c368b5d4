/** The viewer's shell: navigation and the page the URL fragment names. */
import { apiPaths, isStatic, staticData, useApi } from './data.ts';
import { formatTime } from './format.ts';
import { ComparePage } from './pages/compare-page.tsx';
import { EpisodePage } from './pages/episode-page.tsx';
import { Failure } from './pages/page-state.tsx';
import { QueuePage } from './pages/queue-page.tsx';
import { RunPage } from './pages/run-page.tsx';
import { RunsPage } from './pages/runs-page.tsx';
import { SearchPage } from './pages/search-page.tsx';
import { useRoute } from './router.ts';
import type { Route } from './router.ts';
import type { QueueResponse } from './types.ts';

/** The page for a route. */
export function PageFor({ route }: { route: Route }) {
  const [first, second, third, fourth] = route.segments;
  if (first === undefined) return <RunsPage />;
  if (first === 'runs' && second !== undefined && third === undefined)
    return <RunPage runId={second} />;
  if (first === 'runs' && second !== undefined && third === 'episodes' && fourth !== undefined) {
    const step = route.query.get('step');
    return <EpisodePage runId={second} episodeId={fourth} {...(step === null ? {} : { step })} />;
  }
  if (first === 'compare') {
    const [left, right] = (route.query.get('runs') ?? '').split(',');
    if (left && right) return <ComparePage left={left} right={right} />;
    return <Failure error={new Error('compare needs two runs: #/compare?runs=A,B')} />;
  }
  if (first === 'queue' && !isStatic()) return <QueuePage />;
  if (first === 'search')
    return <SearchPage query={route.query.get('q') ?? ''} run={route.query.get('run') ?? ''} />;
  return <Failure error={new Error(`no page at #/${route.segments.join('/')}`)} />;
}

function QueueLink() {
  const queue = useApi<QueueResponse>(apiPaths.queue(), 5000);
  const waiting = queue.data?.counts.pending ?? 0;
  return (
    <a href="#/queue">queue{waiting > 0 ? <span className="count"> {waiting}</span> : null}</a>
  );
}

/** The whole viewer. */
export function App() {
  const route = useRoute();
  const exported = staticData();
  return (
    <div className="app">
      <nav>
        <a href="#/" className="brand">
          Overseer
        </a>
        <a href="#/">runs</a>
        {exported === null ? (
          <>
            <QueueLink />
            <a href="#/search">search</a>
          </>
        ) : (
          <span className="muted">static export · {formatTime(exported.session.exportedAt)}</span>
        )}
      </nav>
      <main>
        <PageFor route={route} />
      </main>
    </div>
  );
}

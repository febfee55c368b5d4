/** Search across transcripts: questions, steps, answers, rationales and debate turns. */
import { useState } from 'react';
import { ShortText } from '../components/text-block.tsx';
import { apiPaths, isStatic, useApi } from '../data.ts';
import { href } from '../router.ts';
import type { SearchResponse } from '../types.ts';
import { Failure, Loading } from './page-state.tsx';

/** The search page; `query` and `run` come from the URL. */
export function SearchPage({ query, run }: { query: string; run: string }) {
  const [draft, setDraft] = useState(query);
  const [runDraft, setRunDraft] = useState(run);
  const result = useApi<SearchResponse>(
    query.trim() === '' || isStatic() ? null : apiPaths.search(query, run),
  );
  if (isStatic())
    return (
      <p>
        Search needs the live viewer: run <code>overseer view --store DIR</code>.
      </p>
    );
  return (
    <div>
      <h1>Search transcripts</h1>
      <form
        className="controls"
        onSubmit={(event) => {
          event.preventDefault();
          const parameters = new URLSearchParams({
            q: draft,
            ...(runDraft === '' ? {} : { run: runDraft }),
          });
          window.location.hash = `#/search?${parameters.toString()}`;
        }}
      >
        <input
          type="search"
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          placeholder="text to find"
          aria-label="search text"
        />
        <input
          value={runDraft}
          onChange={(event) => setRunDraft(event.target.value)}
          placeholder="run id (optional)"
          aria-label="run id"
        />
        <button type="submit">search</button>
      </form>
      {query.trim() === '' ? null : result.error !== undefined ? (
        <Failure error={result.error} />
      ) : result.data === undefined ? (
        <Loading />
      ) : (
        <div>
          <p className="muted">
            {result.data.hits.length} match{result.data.hits.length === 1 ? '' : 'es'} in{' '}
            {result.data.scannedEpisodes} episodes
            {result.data.truncated ? ' (stopped at the limit)' : ''}
          </p>
          <ul className="hits" data-testid="search-hits">
            {result.data.hits.map((hit, index) => (
              <li key={index}>
                <a
                  href={`${href('runs', hit.runId, 'episodes', hit.episodeId)}${hit.stepId === null ? '' : `?step=${encodeURIComponent(hit.stepId)}`}`}
                >
                  {hit.runId} › {hit.episodeId}
                  {hit.stepId === null ? '' : ` › ${hit.stepId}`}
                </a>{' '}
                <span className="muted">{hit.field}</span>{' '}
                <ShortText text={hit.snippet} length={200} />
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

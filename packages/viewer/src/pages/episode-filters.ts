/**
 * Which of a run's episodes the run page lists: a filter by experiment, arm, phase, round,
 * status and outcome, the choices each filter offers (read from the episodes themselves) and
 * the page of the list shown. Runs in the browser over the whole episode list, so a static HTML
 * export filters exactly as `overseer view` does.
 */
import type { EpisodeSummary } from '../types.ts';

/** A filter of the episodes table; an empty string leaves its field unfiltered. */
export interface EpisodeFilter {
  experiment: string;
  arm: string;
  phase: string;
  /** 1-based, as every view numbers rounds. */
  round: string;
  status: string;
  /** An outcome label (see `outcomeLabel`), e.g. `right`, `wrong`, `hack`. */
  outcome: string;
}

/** The filter that shows every episode. */
export const NO_EPISODE_FILTER: EpisodeFilter = {
  experiment: '',
  arm: '',
  phase: '',
  round: '',
  status: '',
  outcome: '',
};

/** Episodes per page of the episodes table. */
export const EPISODES_PAGE_SIZE = 50;

/**
 * What an episode's outcome was, as the outcome filter names it: `right` or `wrong` for a
 * grade, the environment's classification (`hack`, `intended`, …) or `return` for a return,
 * `none` without an outcome.
 */
export function outcomeLabel(episode: EpisodeSummary): string {
  const outcome = episode.outcome;
  if (outcome === null) return 'none';
  if (outcome.kind === 'grade') return outcome.correct ? 'right' : 'wrong';
  return outcome.classification ?? 'return';
}

/** An episode's 1-based round as text ('' outside the loop). */
export function roundLabel(episode: EpisodeSummary): string {
  return episode.iteration === null ? '' : String(episode.iteration + 1);
}

/** Each filter field's value for one episode ('' where the episode has none). */
function fieldsOf(episode: EpisodeSummary): EpisodeFilter {
  return {
    experiment: episode.unit?.experiment ?? '',
    arm: episode.unit?.arm ?? '',
    phase: episode.phase ?? '',
    round: roundLabel(episode),
    status: episode.status,
    outcome: outcomeLabel(episode),
  };
}

const FIELDS = Object.keys(NO_EPISODE_FILTER) as (keyof EpisodeFilter)[];

/** The episodes that match every field the filter sets. */
export function selectEpisodes(
  episodes: EpisodeSummary[],
  filter: Partial<EpisodeFilter>,
): EpisodeSummary[] {
  return episodes.filter((episode) => {
    const fields = fieldsOf(episode);
    return FIELDS.every((field) => {
      const wanted = filter[field] ?? '';
      return wanted === '' || fields[field] === wanted;
    });
  });
}

/**
 * The values each filter field takes among the episodes, sorted (rounds numerically); a field
 * no episode sets (e.g. experiment in an `eval` run) offers none, and the page hides it.
 */
export function filterChoices(episodes: EpisodeSummary[]): Record<keyof EpisodeFilter, string[]> {
  const seen = Object.fromEntries(FIELDS.map((field) => [field, new Set<string>()])) as Record<
    keyof EpisodeFilter,
    Set<string>
  >;
  for (const episode of episodes) {
    const fields = fieldsOf(episode);
    for (const field of FIELDS) if (fields[field] !== '') seen[field].add(fields[field]);
  }
  const sorted = (field: keyof EpisodeFilter): string[] =>
    [...seen[field]].sort((a, b) =>
      field === 'round' ? Number(a) - Number(b) : a.localeCompare(b),
    );
  return Object.fromEntries(FIELDS.map((field) => [field, sorted(field)])) as Record<
    keyof EpisodeFilter,
    string[]
  >;
}

/** One page of a list: its items, the 0-based page actually shown and how many pages there are. */
export interface ListPage<T> {
  items: T[];
  page: number;
  pages: number;
}

/** Page `page` (0-based, clamped into range) of `items`, `size` at a time. */
export function pageOf<T>(items: T[], page: number, size = EPISODES_PAGE_SIZE): ListPage<T> {
  const pages = Math.max(1, Math.ceil(items.length / size));
  const shown = Math.min(Math.max(0, page), pages - 1);
  return { items: items.slice(shown * size, (shown + 1) * size), page: shown, pages };
}

/**
 * What the human-overseer queue holds and hands back (types only, so the viewer can share them).
 * A queued item carries a proposed step on paper — never an outcome — and, once a person rated
 * it, who rated it, when, the PRM800K-style rating and an optional note.
 */
import type { ProposedStep, Rating, RegistryReference, Turn } from '../spec/index.ts';

/** Whether a queued step still waits for a person, or has been rated. */
export type QueueItemStatus = 'pending' | 'rated';

/**
 * What another overseer said about the step before the person rates it, shown beside it when the
 * human overseer is configured with an `assistant` (a debate, a consultation, a model judge).
 */
export interface QueueAssistance {
  overseer: RegistryReference;
  rationale: string;
  /** The debate or consultation, turn by turn. */
  transcript?: Turn[];
}

/** A person's rating of a queued step. */
export interface QueueRating {
  /** PRM800K semantics: −1 wrong, 0 no progress (or unsure), +1 right. */
  rating: Rating;
  /** Optional; '' when the person wrote none. */
  note: string;
  /** Who rated (the name typed into the viewer). */
  rater: string;
  ratedAt: string;
}

/** What a human overseer puts in the queue. */
export interface NewQueueItem {
  /** Stable across restarts of the same run, so a resumed run finds ratings given meanwhile. */
  id: string;
  /** Which overseer (or experiment arm) asked, as configured. */
  label: string;
  /** The step on paper; its justification is kept only when the overseer shows it. */
  proposal: ProposedStep;
  assistance?: QueueAssistance;
}

/** One item of the queue as stored. */
export interface QueueItem extends NewQueueItem {
  /** 1, 2, … in the order items were first queued. */
  position: number;
  status: QueueItemStatus;
  createdAt: string;
  /** Present once rated. */
  rating?: QueueRating;
}

/**
 * The human-overseer queue: proposed steps waiting for a person's rating, and the ratings given.
 * It lives beside the run store, in its own SQLite file in the same directory
 * (`human-queue.sqlite`), because it is written from two sides — the run queues steps and waits;
 * the viewer, which opens the run store read-only, records ratings — and so the run store's own
 * schema stays as it is. WAL lets both processes read while either writes.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { OverseerError } from '../errors.ts';
import { Rating as RatingSchema } from '../spec/index.ts';
import type { Rating } from '../spec/index.ts';
import type {
  NewQueueItem,
  QueueItem,
  QueueItemStatus,
  QueueRating,
} from './human-queue-records.ts';

/** The queue's file inside a store directory. */
export const HUMAN_QUEUE_FILE_NAME = 'human-queue.sqlite';

/** `PRAGMA application_id` of a queue file (ASCII "OVSQ"), to tell it from other SQLite files. */
const QUEUE_APPLICATION_ID = 0x4f565351;
const QUEUE_SCHEMA_VERSION = 1;

const schema = `
CREATE TABLE queue_items (
  position INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  label TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'rated')),
  rating INTEGER CHECK (rating IN (-1, 0, 1)),
  note TEXT,
  rater TEXT,
  rated_at TEXT
);
CREATE INDEX queue_items_by_status ON queue_items (status, position);
`;

interface QueueRow {
  position: number;
  id: string;
  label: string;
  body: string;
  created_at: string;
  status: QueueItemStatus;
  rating: number | null;
  note: string | null;
  rater: string | null;
  rated_at: string | null;
}

/** Which items `HumanQueue.list` returns. */
export interface QueueFilters {
  status?: QueueItemStatus;
  /** At most this many, oldest first (default: all). */
  limit?: number;
}

/** What a person submits for a queued step. */
export interface RatingInput {
  rating: Rating;
  note?: string;
  rater: string;
}

/** The longest note and rater name accepted (a rating is a label, not an essay store). */
export const MAX_NOTE_LENGTH = 10_000;
const MAX_RATER_LENGTH = 100;

/** The queue of one store directory; open it with `HumanQueue.open` or `HumanQueue.openExisting`. */
export class HumanQueue {
  /** The queue's SQLite file. */
  readonly path: string;
  private readonly database: Database.Database;

  private constructor(path: string, database: Database.Database) {
    this.path = path;
    this.database = database;
  }

  /** The queue file of store `directory`. */
  static pathIn(directory: string): string {
    return join(resolve(directory), HUMAN_QUEUE_FILE_NAME);
  }

  /** Opens the queue of store `directory`, creating the directory and the file if needed. */
  static open(directory: string): HumanQueue {
    const absolute = resolve(directory);
    if (existsSync(absolute) && !statSync(absolute).isDirectory()) {
      throw new OverseerError(
        'queue.not-a-directory',
        `${absolute} is a file, not a store directory`,
        {
          hint: 'give the human overseer the store directory (option store), e.g. .overseer',
        },
      );
    }
    mkdirSync(absolute, { recursive: true });
    return HumanQueue.connect(join(absolute, HUMAN_QUEUE_FILE_NAME));
  }

  /** Opens the queue of store `directory` if one was ever created there; undefined otherwise. */
  static openExisting(directory: string): HumanQueue | undefined {
    const path = HumanQueue.pathIn(directory);
    return existsSync(path) ? HumanQueue.connect(path) : undefined;
  }

  private static connect(path: string): HumanQueue {
    let database: Database.Database;
    try {
      database = new Database(path, { timeout: 10_000 });
    } catch (error) {
      throw new OverseerError('queue.cannot-open', `cannot open ${path}: ${String(error)}`, {
        hint: 'check the permissions of the store directory',
        cause: error,
      });
    }
    try {
      const applicationId = database.pragma('application_id', { simple: true }) as number;
      const version = database.pragma('user_version', { simple: true }) as number;
      if (applicationId !== 0 && applicationId !== QUEUE_APPLICATION_ID) {
        throw new OverseerError('queue.foreign', `${path} is not an Overseer human queue`, {
          hint: `move the file away; the queue is recreated as ${HUMAN_QUEUE_FILE_NAME}`,
        });
      }
      if (version > QUEUE_SCHEMA_VERSION) {
        throw new OverseerError(
          'queue.newer-version',
          `${path} was written by a newer Overseer (queue version ${version})`,
          { hint: 'upgrade Overseer to read this queue' },
        );
      }
      database.pragma('journal_mode = WAL');
      database.pragma('synchronous = NORMAL');
      database
        .transaction(() => {
          if ((database.pragma('user_version', { simple: true }) as number) === 0) {
            database.exec(schema);
            database.pragma(`application_id = ${QUEUE_APPLICATION_ID}`);
            database.pragma(`user_version = ${QUEUE_SCHEMA_VERSION}`);
          }
        })
        .immediate();
    } catch (error) {
      database.close();
      const code = (error as { code?: unknown } | null)?.code;
      if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
        throw new OverseerError('queue.corrupt', `${path} is not a readable human queue`, {
          hint: `move the file away; the queue is recreated as ${HUMAN_QUEUE_FILE_NAME}`,
          cause: error,
        });
      }
      throw error;
    }
    return new HumanQueue(path, database);
  }

  /**
   * Queues `item` unless an item with its id is already there (queued before a restart, perhaps
   * rated since); returns the stored item either way.
   */
  enqueue(item: NewQueueItem, time = new Date().toISOString()): QueueItem {
    // Looked up first so that re-queuing does not spend a position (AUTOINCREMENT would).
    const existing = this.get(item.id);
    if (existing !== undefined) return existing;
    const body = JSON.stringify({
      proposal: item.proposal,
      ...(item.assistance === undefined ? {} : { assistance: item.assistance }),
    });
    this.database
      .prepare(
        `INSERT INTO queue_items (id, label, body, created_at, status) VALUES (?, ?, ?, ?, 'pending')
         ON CONFLICT (id) DO NOTHING`,
      )
      .run(item.id, item.label, body, time);
    return this.get(item.id) as QueueItem;
  }

  /** One item, or undefined. */
  get(id: string): QueueItem | undefined {
    const row = this.database.prepare('SELECT * FROM queue_items WHERE id = ?').get(id) as
      QueueRow | undefined;
    return row === undefined ? undefined : itemOf(row);
  }

  /** Items oldest first, optionally only pending or only rated ones. */
  list(filters: QueueFilters = {}): QueueItem[] {
    const rows = this.database
      .prepare(
        `SELECT * FROM queue_items ${filters.status === undefined ? '' : 'WHERE status = ?'}
         ORDER BY position LIMIT ?`,
      )
      .all(
        ...(filters.status === undefined ? [] : [filters.status]),
        filters.limit ?? -1,
      ) as QueueRow[];
    return rows.map(itemOf);
  }

  /** How many items wait, and how many were rated. */
  counts(): Record<QueueItemStatus, number> {
    const rows = this.database
      .prepare('SELECT status, count(*) AS n FROM queue_items GROUP BY status')
      .all() as Array<{ status: QueueItemStatus; n: number }>;
    const counts: Record<QueueItemStatus, number> = { pending: 0, rated: 0 };
    for (const { status, n } of rows) counts[status] = n;
    return counts;
  }

  /**
   * Records a person's rating of a pending item. The first rating stands: the run may already
   * have used it, so rating an item twice is an error rather than a silent change.
   */
  rate(id: string, input: RatingInput, time = new Date().toISOString()): QueueItem {
    const rating = RatingSchema.safeParse(input.rating);
    if (!rating.success) {
      throw new OverseerError(
        'queue.bad-rating',
        `a rating is -1, 0 or 1, got ${JSON.stringify(input.rating)}`,
        { hint: '−1 wrong, 0 no progress, +1 right (PRM800K)' },
      );
    }
    const rater = typeof input.rater === 'string' ? input.rater.trim() : '';
    if (rater === '' || rater.length > MAX_RATER_LENGTH) {
      throw new OverseerError(
        'queue.bad-rater',
        `say who rates: a name of 1 to ${MAX_RATER_LENGTH} characters`,
        { hint: 'type your name in the viewer’s queue page' },
      );
    }
    const note = typeof input.note === 'string' ? input.note : '';
    if (note.length > MAX_NOTE_LENGTH) {
      throw new OverseerError(
        'queue.bad-note',
        `a note has at most ${MAX_NOTE_LENGTH} characters, got ${note.length}`,
      );
    }
    const result = this.database
      .prepare(
        `UPDATE queue_items SET status = 'rated', rating = ?, note = ?, rater = ?, rated_at = ?
         WHERE id = ? AND status = 'pending'`,
      )
      .run(rating.data, note, rater, time, id);
    if (result.changes === 0) {
      const existing = this.get(id);
      if (existing === undefined) {
        throw new OverseerError('queue.unknown-item', `no queued step "${id}"`, {
          hint: 'reload the queue page: the item list may be stale',
        });
      }
      throw new OverseerError(
        'queue.already-rated',
        `step "${id}" was already rated by ${existing.rating?.rater ?? 'someone'}`,
        { hint: 'a rating stands once given; the run may already have used it' },
      );
    }
    return this.get(id) as QueueItem;
  }

  /** Closes the file; the queue cannot be used afterwards. */
  close(): void {
    if (this.database.open) this.database.close();
  }
}

function itemOf(row: QueueRow): QueueItem {
  const body = JSON.parse(row.body) as Pick<QueueItem, 'proposal' | 'assistance'>;
  const rating: QueueRating | undefined =
    row.status === 'rated'
      ? {
          rating: row.rating as Rating,
          note: row.note ?? '',
          rater: row.rater ?? '',
          ratedAt: row.rated_at ?? '',
        }
      : undefined;
  return {
    id: row.id,
    label: row.label,
    proposal: body.proposal,
    ...(body.assistance === undefined ? {} : { assistance: body.assistance }),
    position: row.position,
    status: row.status,
    createdAt: row.created_at,
    ...(rating === undefined ? {} : { rating }),
  };
}

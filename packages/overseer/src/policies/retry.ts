/**
 * Retries of calls to a model over HTTP: rate limits (429), server errors (5xx), timeouts,
 * dropped connections and truncated or malformed responses are retried with exponential backoff
 * and full jitter (a uniform draw below the capped exponential), never sooner than the server's
 * `retry-after`; a bad request (4xx) fails at once, since asking again cannot help.
 */
import { OverseerError } from '../errors.ts';

/** Why a call failed, as the retry loop needs to know it. */
export type FailureKind =
  'rate-limit' | 'server' | 'timeout' | 'network' | 'malformed-response' | 'client' | 'aborted';

/** One failed attempt, classified. */
export interface CallFailure {
  kind: FailureKind;
  /** Whether asking again may succeed. */
  retryable: boolean;
  message: string;
  /** HTTP status, when the server answered. */
  status?: number;
  /** What the server asked us to wait (from `retry-after-ms` / `retry-after`). */
  retryAfterMs?: number;
}

/** Options of `withRetries`. */
export interface RetryOptions {
  /** Retries after the first attempt (0: one attempt only). */
  maxRetries: number;
  /** Backoff cap before the first retry, doubled for every later one. */
  initialBackoffMs: number;
  /** Largest backoff (and largest `retry-after` honoured). */
  maxBackoffMs: number;
  /** A uniform draw in [0, 1) for the jitter (seeded, so tests are reproducible). */
  random: () => number;
  /** Waits `ms` (tests may pass a fake clock). */
  sleep?: (ms: number) => Promise<void>;
  /** Called before each retry with the failure and the chosen delay. */
  onRetry?: (failure: CallFailure, attempt: number, delayMs: number) => void;
  /** Names the call in the final error, e.g. `openai:gpt-4o-mini`. */
  label: string;
}

/** What a successful call returned and how many attempts it took. */
export interface Retried<T> {
  value: T;
  attempts: number;
  failures: CallFailure[];
}

/**
 * The wait before retry number `retry` (0-based): full jitter under min(max, initial · 2^retry),
 * but at least the server's `retry-after` (itself capped at `maxBackoffMs`).
 */
export function backoffDelay(
  retry: number,
  options: Pick<RetryOptions, 'initialBackoffMs' | 'maxBackoffMs' | 'random'>,
  retryAfterMs?: number,
): number {
  const ceiling = Math.min(options.maxBackoffMs, options.initialBackoffMs * 2 ** retry);
  const jittered = options.random() * ceiling;
  const floor = retryAfterMs === undefined ? 0 : Math.min(retryAfterMs, options.maxBackoffMs);
  return Math.max(floor, jittered);
}

/**
 * Milliseconds a server asked us to wait: `retry-after-ms`, else `retry-after` as seconds or an
 * HTTP date; undefined when neither is present or readable.
 */
export function parseRetryAfter(
  read: (name: string) => string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  const milliseconds = read('retry-after-ms');
  if (milliseconds != null && milliseconds.trim() !== '') {
    const value = Number(milliseconds);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const after = read('retry-after');
  if (after == null || after.trim() === '') return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A failure classification from an HTTP status alone. */
export function failureFromStatus(
  status: number,
  message: string,
  retryAfterMs?: number,
): CallFailure {
  const base = { status, message, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  if (status === 429) return { ...base, kind: 'rate-limit', retryable: true };
  if (status === 408 || status === 409) return { ...base, kind: 'timeout', retryable: true };
  if (status >= 500) return { ...base, kind: 'server', retryable: true };
  return { ...base, kind: 'client', retryable: false };
}

const defaultSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls `call` until it succeeds, a failure is not retryable, or the retries run out; then throws
 * an OverseerError (`policy.call-failed`) that lists every attempt's failure.
 */
export async function withRetries<T>(
  call: (attempt: number) => Promise<T>,
  classify: (error: unknown) => CallFailure,
  options: RetryOptions,
): Promise<Retried<T>> {
  const sleep = options.sleep ?? defaultSleep;
  const failures: CallFailure[] = [];
  for (let attempt = 1; ; attempt += 1) {
    try {
      return { value: await call(attempt), attempts: attempt, failures };
    } catch (error) {
      const failure = classify(error);
      failures.push(failure);
      const retriesLeft = options.maxRetries - (attempt - 1);
      if (!failure.retryable || retriesLeft <= 0) {
        throw new OverseerError(
          'policy.call-failed',
          `${options.label}: ${failure.message} (${describeFailures(failures)}).`,
          {
            cause: error,
            hint: failure.retryable
              ? 'The backend kept failing: check that it is up, or raise maxRetries / timeoutMs.'
              : 'The backend refused the request: check the model name, key and options.',
          },
        );
      }
      const delay = backoffDelay(attempt - 1, options, failure.retryAfterMs);
      options.onRetry?.(failure, attempt, delay);
      await sleep(delay);
    }
  }
}

function describeFailures(failures: readonly CallFailure[]): string {
  const kinds = failures.map((failure) =>
    failure.status === undefined ? failure.kind : `${failure.kind} ${failure.status}`,
  );
  return `${failures.length} attempt${failures.length === 1 ? '' : 's'}: ${kinds.join(', ')}`;
}

/** What a page shows while loading or after a failure. */
import { ApiError } from '../data.ts';

/** The loading line. */
export function Loading() {
  return <p className="muted">Loading…</p>;
}

/** An error with its hint. */
export function Failure({ error }: { error: Error }) {
  return (
    <div className="failure" role="alert">
      <strong>{error.message}</strong>
      {error instanceof ApiError && error.hint !== undefined ? <p>{error.hint}</p> : null}
    </div>
  );
}

import { z } from 'zod';

/** Any JSON value: what may sit in free-form `options`, `metadata` and `info` fields. */
export const JsonValue = z.json();
/** Any JSON value. */
export type JsonValue = z.infer<typeof JsonValue>;

/** A JSON object of free-form fields (records stay serialisable to the run store and back). */
export const JsonObject = z.record(z.string(), JsonValue);
/** A JSON object of free-form fields. */
export type JsonObject = z.infer<typeof JsonObject>;

/** An ISO-8601 timestamp with a `Z` or offset, e.g. `2025-01-31T12:00:00.000Z`. */
export const Timestamp = z.iso.datetime({ offset: true });
/** An ISO-8601 timestamp. */
export type Timestamp = z.infer<typeof Timestamp>;

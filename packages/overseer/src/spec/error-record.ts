import { z } from 'zod';

/** An error as recorded in a log: never thrown away, never allowed to kill the run. */
export const ErrorRecord = z.strictObject({
  name: z.string().default('Error'),
  /** The OverseerError code, when there is one. */
  code: z.string().optional(),
  message: z.string(),
  hint: z.string().optional(),
  stack: z.string().optional(),
});
/** An error as recorded in a log. */
export type ErrorRecord = z.infer<typeof ErrorRecord>;

/** Turns anything thrown into a record for the log (keeping an OverseerError's code and hint). */
export function toErrorRecord(error: unknown): ErrorRecord {
  if (error instanceof Error) {
    const fields = error as Error & { code?: unknown; hint?: unknown };
    return {
      name: error.name,
      message: error.message,
      ...(typeof fields.code === 'string' ? { code: fields.code } : {}),
      ...(typeof fields.hint === 'string' ? { hint: fields.hint } : {}),
      ...(error.stack === undefined ? {} : { stack: error.stack }),
    };
  }
  return { name: 'Error', message: String(error) };
}

/** The one error base class: a stable `name`, a message that says what to change, typed fields. */
export class OverseerError extends Error {
  /** A stable machine-readable code, e.g. `config.unknown-key`. */
  readonly code: string;
  /** What the user should change, when that is not already in the message. */
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OverseerError';
    this.code = code;
    this.hint = options.hint;
  }
}

/** True when `error` is an OverseerError (also across module copies). */
export function isOverseerError(error: unknown): error is OverseerError {
  return error instanceof Error && error.name === 'OverseerError' && 'code' in error;
}

/** The psd package's one error class: a stable `code`, a message that says what the user should change. */
export class PsdError extends Error {
  /** A stable machine-readable code, e.g. `parse.missing-diagonal`. */
  readonly code: string;
  /** What the user should change, when that is not already in the message. */
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PsdError';
    this.code = code;
    this.hint = options.hint;
  }
}

/** True when `error` is a PsdError (also across module copies). */
export function isPsdError(error: unknown): error is PsdError {
  return error instanceof Error && error.name === 'PsdError' && 'code' in error;
}

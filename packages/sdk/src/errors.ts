/**
 * A non-2xx answer from the server. `message` is the server's own `{"error"}` text (or the
 * status line when the body had none); `statusLine` is the one-line form CLIs print.
 */
export class ClickClackError extends Error {
  override readonly name = 'ClickClackError';
  /** The `"<status> <reason>: <error>"` line (`"<status> <reason>"` without an error text). */
  readonly statusLine: string;

  constructor(
    readonly status: number,
    readonly statusText: string,
    /** The server's `error` text ('' when the body had none). */
    readonly serverMessage: string,
    /** The server's machine-readable `code`, when it sent one. */
    readonly code: string | undefined,
    readonly headers: Headers,
  ) {
    const line = `${status} ${statusText}`.trim();
    super(serverMessage || line);
    this.statusLine = serverMessage ? `${line}: ${serverMessage}` : line;
  }
}

/** True for errors that carry an HTTP status (narrowing helper for `catch` blocks). */
export function isClickClackError(err: unknown, status?: number): err is ClickClackError {
  return err instanceof ClickClackError && (status === undefined || err.status === status);
}

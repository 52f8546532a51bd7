/** A non-2xx answer from the server, with its status and the server's own message. */
export class ClickClackError extends Error {
  constructor(
    readonly status: number,
    readonly statusText: string,
    /** The server's `error` text ('' when the body had none). */
    readonly serverMessage: string,
    readonly code: string | undefined,
    readonly headers: Headers,
  ) {
    super(serverMessage ? `${status} ${statusText}: ${serverMessage}` : `${status} ${statusText}`);
    this.name = 'ClickClackError';
  }
}

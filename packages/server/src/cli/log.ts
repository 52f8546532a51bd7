import { ClickClackError } from '@clickclack/sdk';

/** Operator-facing log lines on stderr: `YYYY/MM/DD HH:MM:SS message`. */
export function logLine(message: string): void {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  process.stderr.write(
    `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ${message}\n`,
  );
}

/** Thrown for operator mistakes: printed as one line, exit status 1. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** One line for any failure: the HTTP status line, a network cause, or the message. */
export function describeError(err: unknown): string {
  if (err instanceof ClickClackError) return err.statusLine;
  if (!(err instanceof Error)) return String(err);
  if (err.name === 'TimeoutError') return `request timed out: ${err.message}`;
  const cause = err.cause instanceof Error ? err.cause.message : '';
  return cause && !err.message.includes(cause) ? `${err.message}: ${cause}` : err.message;
}

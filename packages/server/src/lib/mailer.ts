import nodemailer from 'nodemailer';

/** One email, as the services compose it. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
}

/** What services need of outgoing mail; absent when no SMTP server is configured. */
export interface Mailer {
  /** Sends and resolves once the SMTP server accepted the message (rejects when it did not). */
  send(mail: Mail): Promise<void>;
  /** Sends in the background; a failure is only reported (a request must not wait on SMTP). */
  deliver(mail: Mail): void;
  close(): void;
}

/**
 * `smtp://user:pass@host:port` (STARTTLS when the server offers it) or `smtps://…` (TLS
 * from the first byte), read by nodemailer itself. Checked here so a typo fails `serve` at
 * start rather than the first sign-in.
 */
export function validSmtpUrl(raw: string): string {
  const input = raw.trim();
  if (input === '') return '';
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new Error('invalid SMTP URL (expected smtp://user:pass@host:port or smtps://…)');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    throw new Error('SMTP URL must use smtp:// or smtps://');
  if (url.hostname === '') throw new Error('SMTP URL has no host');
  return input;
}

/** Sends through nodemailer's SMTP transport, from `from` (serve --mail-from). */
export function smtpMailer(
  smtpUrl: string,
  from: string,
  onError: (err: Error) => void = () => undefined,
): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  const send = async (mail: Mail) => {
    await transport.sendMail({ from, ...mail });
  };
  return {
    send,
    deliver(mail) {
      send(mail).catch(onError);
    },
    close() {
      transport.close();
    },
  };
}

// A real SMTP server (the `smtp-server` package) on a loopback port, for the tests of the
// mail the server sends: it requires the login the server's --smtp-url carries and keeps
// every message it accepts, decoded enough to read (headers, text body).
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  headers: Map<string, string>;
  subject: string;
  text: string;
  raw: string;
}

export interface SmtpReceiver {
  port: number;
  /** `smtp://user:pass@127.0.0.1:<port>`: what `--smtp-url` is set to. */
  url: string;
  messages: ReceivedMail[];
  /** Logins it accepted, as `user:pass`. */
  logins: string[];
  /** Refuses the next `n` messages with a temporary error (451), as a busy server does. */
  refuseNext(n: number): void;
  /** Messages refused so far. */
  readonly refused: number;
  /** Resolves with the first message (after `skip` earlier ones) to `to` that matches. */
  waitFor(
    to: string,
    pred?: (m: ReceivedMail) => boolean,
    timeoutMs?: number,
  ): Promise<ReceivedMail>;
  close(): Promise<void>;
}

const USER = 'mailer';
const PASS = 's3cret pass';

/** Undoes quoted-printable (soft line breaks, =XX bytes) as UTF-8. */
function decodeQuotedPrintable(s: string): string {
  const bytes: number[] = [];
  const src = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '=' && /^[0-9A-F]{2}$/i.test(src.slice(i + 1, i + 3))) {
      bytes.push(parseInt(src.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(c));
  }
  return Buffer.from(bytes).toString('utf8');
}

export function parseMail(raw: string, from: string, to: string[]): ReceivedMail {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim());
  }
  let body = raw.slice(split + 4);
  const encoding = (headers.get('content-transfer-encoding') ?? '').toLowerCase();
  if (encoding === 'quoted-printable') body = decodeQuotedPrintable(body);
  else if (encoding === 'base64') body = Buffer.from(body, 'base64').toString('utf8');
  return {
    from,
    to,
    headers,
    subject: headers.get('subject') ?? '',
    text: body.replace(/\r\n/g, '\n'),
    raw,
  };
}

export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const messages: ReceivedMail[] = [];
  const logins: string[] = [];
  const waiters = new Set<() => void>();
  let toRefuse = 0;
  let refused = 0;
  const server = new SMTPServer({
    // Plain SMTP with AUTH on loopback: nodemailer would upgrade with STARTTLS if offered.
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === USER && auth.password === PASS) {
        logins.push(`${auth.username}:${auth.password}`);
        cb(null, { user: auth.username });
      } else cb(new Error('invalid login'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (toRefuse > 0) {
          toRefuse--;
          refused++;
          const err = new Error('try again later') as Error & { responseCode: number };
          err.responseCode = 451;
          return cb(err);
        }
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const to = session.envelope.rcptTo.map((r) => r.address);
        messages.push(parseMail(Buffer.concat(chunks).toString('utf8'), from, to));
        for (const w of waiters) w();
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    url: `smtp://${USER}:${encodeURIComponent(PASS)}@127.0.0.1:${port}`,
    messages,
    logins,
    refuseNext(n) {
      toRefuse = n;
    },
    get refused() {
      return refused;
    },
    waitFor(to, pred = () => true, timeoutMs = 10_000) {
      const find = () => messages.find((m) => m.to.includes(to) && pred(m));
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = find();
          if (!m) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(m);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no mail to ${to} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The sign-in link and code of a sign-in email. */
export function signInParts(mail: ReceivedMail): { link: string; token: string; code: string } {
  const link = /https?:\/\/\S+\?token=\S+/.exec(mail.text)?.[0] ?? '';
  const token = decodeURIComponent(/token=([^&\s]+)/.exec(link)?.[1] ?? '');
  const code = /\b([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})\b/.exec(mail.text)?.[1] ?? '';
  return { link, token, code };
}

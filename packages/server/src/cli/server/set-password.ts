import type { Command } from 'commander';
import { humanByIdentifier, setPassword } from '../../services/auth/passwords.js';
import { CliError } from '../log.js';
import { withDeps, type DbFlags } from './open.js';

/** More than any password (256 code points ≤ 1 KiB of UTF-8) plus a line ending. */
const MAX_STDIN_BYTES = 4096;

interface SetPasswordFlags extends DbFlags {
  email?: string;
  user?: string;
  clear?: boolean;
}

/** Piped input: all of stdin less one trailing LF or CRLF (other whitespace is kept). */
async function readPiped(input: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > MAX_STDIN_BYTES) throw new CliError('password on stdin is too long');
    chunks.push(buf);
  }
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** One line from a TTY in raw mode, echoing nothing; Ctrl-C / Ctrl-D abort. */
function promptHidden(label: string): Promise<string> {
  const input = process.stdin;
  // Echo goes off before the prompt shows, so nothing typed after it is ever echoed.
  input.setRawMode(true);
  process.stderr.write(label);
  return new Promise((resolve, reject) => {
    let text = '';
    const done = (err?: Error) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(text);
    };
    const onData = (data: Buffer) => {
      for (const ch of data.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003' || ch === '\u0004') return done(new CliError('aborted'));
        if (ch === '\u007f' || ch === '\b') text = [...text].slice(0, -1).join('');
        else text += ch;
      }
    };
    input.resume();
    input.on('data', onData);
  });
}

/** The new password: a double no-echo prompt on a terminal, else stdin. */
async function readNewPassword(): Promise<string> {
  if (!process.stdin.isTTY) return readPiped(process.stdin);
  const first = await promptHidden('New password: ');
  const second = await promptHidden('Repeat password: ');
  if (first !== second) throw new CliError('passwords do not match');
  return first;
}

/**
 * `admin user set-password`: sets or clears a human's local password. Sessions are left as
 * they are either way (an operator who wants someone signed out has the user change it).
 */
async function run(opts: SetPasswordFlags): Promise<string> {
  const identifier = (opts.email ?? '').trim();
  const userId = (opts.user ?? '').trim();
  if ((identifier === '') === (userId === ''))
    throw new CliError('give exactly one of --email or --user');
  // Read before the database opens, so a bad password leaves nothing behind.
  const plain = opts.clear ? null : await readNewPassword();
  if (plain === '') throw new CliError('password is empty');
  return withDeps(opts, async (deps) => {
    const db = deps.store.read;
    const user = identifier
      ? await humanByIdentifier(db, identifier)
      : await db.users.byId(userId).then((u) => (u && !u.deleted_at ? u : undefined));
    if (!user) throw new CliError(`user ${identifier || userId} not found`);
    await setPassword(deps, user, plain);
    return `password ${plain === null ? 'cleared' : 'set'} for ${user.id}`;
  });
}

export function registerSetPassword(user: Command, dbOptions: (cmd: Command) => Command): void {
  dbOptions(
    user
      .command('set-password')
      .description(
        "set a user's local password (stdin, or a double prompt on a terminal) or --clear it",
      ),
  )
    .option('--email <email-or-handle>', 'the user, by email or handle')
    .option('--user <user-id>', 'the user, by id')
    .option('--clear', 'remove the password instead')
    .action(async (opts: SetPasswordFlags) => {
      process.stdout.write(`${await run(opts)}\n`);
    });
}

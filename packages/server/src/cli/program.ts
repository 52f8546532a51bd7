import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { normalizeArgs } from './client/args.js';
import { registerBotCommands } from './client/bots.js';
import { registerBrowseCommands } from './client/browse.js';
import { registerConversationCommands } from './client/conversations.js';
import { registerEventCommands } from './client/events.js';
import { registerInviteCommands } from './client/invites.js';
import { registerMcpCommand } from './client/mcp.js';
import { registerMessageCommands, registerThreadCommands } from './client/messages.js';
import { registerMessagingCommands } from './client/messaging.js';
import { registerSearchCommand } from './client/search.js';
import { registerSessionCommands } from './client/session.js';
import { registerUploadCommand } from './client/upload.js';
import { isServerCommand } from './command-kinds.js';
import { CliError, describeError } from './log.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/**
 * The commit and date scripts/build-info.mjs stamped at build time; a build that skipped
 * it (tsc alone) reports the reference CLI's unset values.
 */
function buildInfo(): { commit: string; date: string } {
  try {
    const info = JSON.parse(
      readFileSync(new URL('../build-info.json', import.meta.url), 'utf8'),
    ) as { commit?: unknown; date?: unknown };
    return {
      commit: typeof info.commit === 'string' && info.commit ? info.commit : 'none',
      date: typeof info.date === 'string' && info.date ? info.date : 'unknown',
    };
  } catch {
    return { commit: 'none', date: 'unknown' };
  }
}

/** Commander errors that are flag-parse errors: exit status 2, as the reference CLI. */
const USAGE_ERRORS = new Set([
  'commander.unknownOption',
  'commander.optionMissingArgument',
  'commander.invalidArgument',
  'commander.missingMandatoryOptionValue',
  'commander.conflictingOption',
]);

/** `messages <command>` for groups, `send [options] [body...]` for the rest. */
function subcommandTerm(cmd: Command): string {
  const name = [cmd.name(), ...cmd.aliases()].join('|');
  const opts = cmd.options.length > 0 ? ' [options]' : '';
  if (cmd.commands.length > 0) return `${name}${opts} <command>`;
  const args = cmd.registeredArguments.map((a) => {
    const n = `${a.name()}${a.variadic ? '...' : ''}`;
    return a.required ? ` <${n}>` : ` [${n}]`;
  });
  return `${name}${opts}${args.join('')}`;
}

function base(name: string): Command {
  return new Command(name)
    .exitOverride()
    .showSuggestionAfterError(false)
    .configureHelp({ showGlobalOptions: true, subcommandTerm })
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      // One line, like every other error: `clickclack: <what went wrong>`.
      outputError: (s, write) => write(`clickclack: ${s.replace(/^error: /, '')}`),
    });
}

/**
 * Ops commands that work on the server's own data directory and database. Loaded only
 * when asked for, so client commands start without the server's dependencies.
 */
async function serverProgram(): Promise<Command> {
  const program = base('clickclack');
  const { registerServerCommands } = await import('./server/index.js');
  registerServerCommands(program);
  program
    .command('version')
    .description('print the version, and the commit and date it was built from')
    .action(() => {
      const { commit, date } = buildInfo();
      process.stdout.write(`clickclack ${version} (${commit}, ${date})\n`);
    });
  return program;
}

/** The scriptable chat client: every command talks to a server through the SDK. */
function clientProgram(): Command {
  const program = base('clickclack')
    .usage('[flags] <command> [args]')
    .description(
      'ClickClack chat client (server commands: serve, migrate, admin, backup, export, copy, version)',
    )
    .option('--server <url>', 'server URL (env CLICKCLACK_SERVER, default http://localhost:8080)')
    .option('--token <token>', 'session or bot token (env CLICKCLACK_TOKEN)')
    .option(
      '--user <user-id>',
      'act as this user on a dev-bootstrap server (env CLICKCLACK_USER_ID)',
    )
    .option('--user-id <user-id>', 'same as --user')
    .option('--workspace <workspace>', 'workspace id, slug or name (env CLICKCLACK_WORKSPACE)')
    .option('--channel <channel>', 'channel id or name (env CLICKCLACK_CHANNEL)')
    .option('--json', 'print JSON')
    .option('--plain', 'print only the essential value')
    .option('--no-input', 'never prompt (accepted for scripts)')
    .option('--verbose', 'accepted for compatibility')
    .helpCommand(true)
    // Reached only when the first word is no client command.
    .argument('[words...]')
    .action(([word]: string[]) => {
      throw new CliError(
        word === undefined ? 'client command is required' : `unknown command "${word}"`,
      );
    });
  registerSessionCommands(program);
  registerBrowseCommands(program);
  registerMessageCommands(program);
  registerThreadCommands(program);
  registerEventCommands(program);
  registerMessagingCommands(program);
  registerConversationCommands(program);
  registerSearchCommand(program);
  registerUploadCommand(program);
  registerBotCommands(program);
  registerInviteCommands(program);
  registerMcpCommand(program, () => import('./mcp/stdio.js'), version);
  return program;
}

/** Runs the CLI and sets the exit code: 0 ok, 1 runtime error, 2 flag-parse error. */
export async function runCli(argv: string[]): Promise<void> {
  // `clickclack messages list | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  const args = argv.slice(2);
  const first = args[0];
  try {
    if (isServerCommand(first)) {
      // Whatever the server and its tools create (the database and its WAL, uploads, logs,
      // backups, exports, pg_dump's output) holds messages or secrets: owner-only, 0600
      // files and 0700 directories, whatever umask the process was started with.
      process.umask(0o077);
      const program = await serverProgram();
      await program.parseAsync([...argv.slice(0, 2), ...(first === undefined ? ['serve'] : args)]);
      return;
    }
    const program = clientProgram();
    await program.parseAsync([...argv.slice(0, 2), ...normalizeArgs(program, args)]);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander already printed its message (or the help text, which is a success).
      const help = err.code.startsWith('commander.help') || err.code === 'commander.version';
      process.exitCode = help ? err.exitCode : USAGE_ERRORS.has(err.code) ? 2 : 1;
      return;
    }
    process.stderr.write(`clickclack: ${describeError(err)}\n`);
    process.exitCode = err instanceof CliError ? err.exitCode : 1;
  }
}

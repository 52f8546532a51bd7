import { createRequire } from 'node:module';
import { ClickClackError } from '@clickclack/sdk';
import { Command, CommanderError } from 'commander';
import { registerBrowseCommands } from './client/browse.js';
import { registerConversationCommands } from './client/conversations.js';
import { registerEventCommands } from './client/events.js';
import { registerMessageCommands, registerThreadCommands } from './client/messages.js';
import { registerMessagingCommands } from './client/messaging.js';
import { registerSearchCommand } from './client/search.js';
import { registerSessionCommands } from './client/session.js';
import { registerUploadCommand } from './client/upload.js';
import { CliError } from './log.js';

const SERVER_COMMANDS = new Set(['serve', 'migrate', 'admin', 'backup', 'export', 'version']);
const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

function base(name: string): Command {
  return new Command(name)
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
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
    .description('print the version')
    .action(() => {
      process.stdout.write(`clickclack ${version} (dev, none, unknown)\n`);
    });
  return program;
}

/** The scriptable chat client: every command talks to a server through the SDK. */
function clientProgram(): Command {
  const program = base('clickclack')
    .description(
      'ClickClack chat client (server commands: serve, migrate, admin, backup, export, version)',
    )
    .option('--server <url>', 'server URL (env CLICKCLACK_SERVER, default http://localhost:8080)')
    .option('--token <token>', 'session or bot token (env CLICKCLACK_TOKEN)')
    .option('--user <user-id>', 'act as this user with dev bootstrap (env CLICKCLACK_USER_ID)')
    .option('--user-id <user-id>', 'same as --user')
    .option('--workspace <workspace>', 'workspace id, slug or name (env CLICKCLACK_WORKSPACE)')
    .option('--channel <channel>', 'channel id or name (env CLICKCLACK_CHANNEL)')
    .option('--json', 'print JSON')
    .option('--plain', 'print only the essential value')
    .option('--no-input', 'never prompt (accepted for scripts)')
    .option('--verbose', 'accepted for compatibility');
  registerSessionCommands(program);
  registerBrowseCommands(program);
  registerMessageCommands(program);
  registerThreadCommands(program);
  registerEventCommands(program);
  registerMessagingCommands(program);
  registerConversationCommands(program);
  registerSearchCommand(program);
  registerUploadCommand(program);
  return program;
}

/** Runs the CLI and sets the exit code: 0 ok, 1 runtime error, 2 usage error. */
export async function runCli(argv: string[]): Promise<void> {
  const args = argv.slice(2);
  const first = args[0];
  const program =
    first === undefined || SERVER_COMMANDS.has(first) ? await serverProgram() : clientProgram();
  const wantsHelp = args.includes('-h') || args.includes('--help');
  if (first !== undefined && !wantsHelp && args.every((a) => a.startsWith('-'))) {
    process.stderr.write('clickclack: client command is required\n');
    process.exitCode = 2;
    return;
  }
  try {
    await program.parseAsync(first === undefined ? [...argv, 'serve'] : argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander already printed its message (or the help text).
      process.exitCode =
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.help' ||
        err.code === 'commander.version'
          ? 0
          : 2;
      return;
    }
    const message = err instanceof ClickClackError ? err.statusLine : (err as Error).message;
    process.stderr.write(`clickclack: ${message}\n`);
    process.exitCode = err instanceof CliError ? err.exitCode : 1;
  }
}

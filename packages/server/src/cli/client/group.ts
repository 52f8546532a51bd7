import type { Command } from 'commander';
import { CliError } from '../log.js';

/**
 * A command that only groups subcommands (`messages send|list`). Without a known
 * subcommand it fails with the reference CLI's usage line, or, when given, its
 * `unknown <group> command "<word>"` message, instead of commander's help screen.
 */
export function commandGroup(
  parent: Command,
  name: string,
  opts: { description: string; usage: string; unknownWord?: boolean },
): Command {
  return (
    parent
      .command(name)
      .description(opts.description)
      .usage('<command> [flags] [args]')
      // Variadic rather than allowExcessArguments(), which subcommands would inherit.
      .argument('[words...]')
      .action(([word]: string[]) => {
        if (word !== undefined && opts.unknownWord)
          throw new CliError(`unknown ${name} command "${word}"`);
        throw new CliError(opts.usage);
      })
  );
}

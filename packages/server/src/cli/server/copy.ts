import type { Command } from 'commander';
import { copySqliteToPostgres } from '../../store/maintenance/copy.js';
import { CliError } from '../log.js';
import { ProgressBar } from '../progress.js';

export function registerCopy(program: Command): void {
  program
    .command('copy')
    .description('copy a SQLite database into a new PostgreSQL database (resumable)')
    .option('--from <url>', 'source SQLite database (sqlite://path or a path)')
    .option('--to <url>', 'target PostgreSQL database (postgres://…), migrated first')
    .option('--batch-size <n>', 'rows per INSERT, each batch in its own transaction', '1000')
    .action(async (opts: { from?: string; to?: string; batchSize: string }) => {
      const from = (opts.from ?? '').trim();
      const to = (opts.to ?? '').trim();
      if (from === '') throw new CliError('--from is required');
      if (to === '') throw new CliError('--to is required');
      const batchSize = Number(opts.batchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1)
        throw new CliError('--batch-size must be a positive integer');
      // Test hook: die (SIGKILL, no cleanup) after this many committed batches.
      const kill = process.env.CLICKCLACK_COPY_TEST_KILL_AFTER_BATCHES;
      await copySqliteToPostgres({
        from,
        to,
        batchSize,
        log: (line) => process.stderr.write(`${line}\n`),
        progress: (table, total) => new ProgressBar(table, total),
        afterBatch: (batches) => {
          if (!kill || batches < Number(kill)) return;
          process.stderr.write(`\nkilled after ${batches} batch(es) (test hook)\n`);
          process.kill(process.pid, 'SIGKILL');
        },
      });
    });
}

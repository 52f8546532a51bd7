import { resolve } from 'node:path';
import type { Command } from 'commander';
import { resolveDbUrl } from '../../config/resolve.js';
import { backupDatabase } from '../../store/maintenance/backup.js';
import { CliError } from '../log.js';
import type { DbFlags } from './open.js';

export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description(
      'copy the database to a file, safely while the server runs (SQLite copy, or pg_dump custom format on PostgreSQL)',
    )
    .option('--out <file>', 'destination file (must not exist or be empty)')
    .option('--data <dir>', 'data directory (env CLICKCLACK_DATA)')
    .option('--db <url>', 'database URL (env CLICKCLACK_DB)')
    .action(async (opts: DbFlags & { out?: string }) => {
      const out = (opts.out ?? '').trim();
      if (out === '') throw new CliError('--out is required');
      await backupDatabase(resolveDbUrl(opts).db, resolve(out));
    });
}

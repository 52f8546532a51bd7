import type { Command } from 'commander';
import { resolveDbUrl } from '../../config/resolve.js';
import { openStore } from '../../store/open.js';
import { createDataDirs } from './serve.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations (idempotent)')
    .option('--data <dir>', 'data directory')
    .option('--db <url>', 'database URL')
    .action(async (opts: { data?: string; db?: string }) => {
      const { data, db } = resolveDbUrl(opts);
      createDataDirs(data);
      const store = await openStore(db, { migrate: true });
      await store.close();
    });
}

import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { resolveDbUrl } from '../../config/resolve.js';
import { exportDatabase } from '../../store/maintenance/export.js';
import type { DbFlags } from './open.js';

/** Writes next to the destination, fsyncs, then renames over it. */
function writeAtomically(dest: string, text: string): void {
  const tmp = join(dirname(resolve(dest)), `.clickclack-export-${randomBytes(6).toString('hex')}`);
  try {
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, dest);
  } finally {
    rmSync(tmp, { force: true });
  }
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('export every table as JSON (secrets redacted)')
    .option('--out <file>', 'destination file, or - for stdout', '-')
    .option('--data <dir>', 'data directory (env CLICKCLACK_DATA)')
    .option('--db <url>', 'database URL (env CLICKCLACK_DB)')
    .action(async (opts: DbFlags & { out: string }) => {
      const toStdout = opts.out === '-';
      const tables = await exportDatabase(resolveDbUrl(opts).db, toStdout ? undefined : opts.out);
      const text = `${JSON.stringify(tables, null, 2)}\n`;
      if (toStdout) process.stdout.write(text);
      else writeAtomically(opts.out, text);
    });
}

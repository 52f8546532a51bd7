import type { Command } from 'commander';
import { registerAdmin } from './admin.js';
import { registerBackup } from './backup.js';
import { registerCopy } from './copy.js';
import { registerExport } from './export.js';
import { registerImport } from './import.js';
import { registerMigrate } from './migrate.js';
import { registerServe } from './serve.js';

/** serve, migrate, admin …, backup, export, copy, import: commands that work on the server's own data. */
export function registerServerCommands(program: Command): void {
  registerServe(program);
  registerMigrate(program);
  registerAdmin(program);
  registerBackup(program);
  registerExport(program);
  registerCopy(program);
  registerImport(program);
}

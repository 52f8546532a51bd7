import type { Command } from 'commander';
import { CliError } from '../log.js';
import { withDeps, type DbFlags } from './open.js';

interface PruneFlags extends DbFlags {
  workspace?: string;
  olderThanDays?: string;
  before?: string;
  keepLatest?: string;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

function nonNegative(raw: string | undefined, flag: string): number {
  if (raw === undefined) return 0;
  if (!/^-?\d+$/.test(raw.trim())) throw new CliError(`${flag} must be an integer`);
  const n = Number(raw);
  if (n < 0) throw new CliError(`${flag} must be non-negative`);
  return n;
}

/** Validation happens before the database is opened; at least one bound is required. */
export function pruneBounds(
  opts: PruneFlags,
  now = Date.now(),
): { workspaceId: string; cutoff?: string; keep: number } {
  const workspaceId = (opts.workspace ?? '').trim();
  if (workspaceId === '') throw new CliError('--workspace is required');
  const days = nonNegative(opts.olderThanDays, '--older-than-days');
  const keep = nonNegative(opts.keepLatest, '--keep-latest');
  const before = (opts.before ?? '').trim();
  if (days > 0 && before !== '')
    throw new CliError('--older-than-days and --before are mutually exclusive');
  let cutoff: string | undefined;
  if (before !== '') {
    const t = Date.parse(before);
    if (!RFC3339.test(before) || Number.isNaN(t))
      throw new CliError(`--before must be RFC3339: cannot parse "${before}"`);
    cutoff = new Date(t).toISOString();
  } else if (days > 0) {
    cutoff = new Date(now - days * 86_400_000).toISOString();
  }
  if (cutoff === undefined && keep === 0)
    throw new CliError('provide --older-than-days, --before, or --keep-latest');
  return { workspaceId, cutoff, keep };
}

export function registerEventsPrune(admin: Command, dbOptions: (c: Command) => Command): void {
  const events = admin.command('events').description('the durable event log');
  dbOptions(
    events
      .command('prune')
      .description('delete old events of a workspace (clients resync on a pruned cursor)'),
  )
    .option('--workspace <id>', 'workspace id')
    .option('--older-than-days <days>', 'delete events older than this many days')
    .option('--before <rfc3339>', 'delete events created before this time')
    .option('--keep-latest <n>', 'always keep the newest N events')
    .action(async (opts: PruneFlags) => {
      const { workspaceId, cutoff, keep } = pruneBounds(opts);
      const n = await withDeps(opts, (deps) =>
        deps.store.write((tx) => tx.events.prune(workspaceId, cutoff, keep)),
      );
      process.stdout.write(`pruned ${n} events\n`);
    });
}

import type { Command } from 'commander';
import { LocalDiskBlobStore } from '../../blobs/local-disk.js';
import { resolveServerConfig } from '../../config/resolve.js';
import { ImportInputError, runImport, type ImportSummary } from '../../services/import/index.js';
import { openStore } from '../../store/open.js';
import { CliError } from '../log.js';
import { printJson, printLine } from '../output.js';
import { ProgressBar } from '../progress.js';
import { createDataDirs } from './serve.js';

interface ImportFlags {
  data?: string;
  db?: string;
  uploads?: string;
  workspace?: string;
  dryRun?: boolean;
  json?: boolean;
  batchSize: string;
}

/** At most this many skipped records are listed in the text summary (--json: 10,000). */
const SHOWN_SKIPS = 50;

function printSummary(s: ImportSummary): void {
  const c = s.created;
  const verb = s.dry_run ? 'would create' : 'created';
  for (const w of s.workspaces)
    printLine(
      `workspace ${w.name} (${w.id})${w.created ? (s.dry_run ? ' — would be created' : ' — created') : ''}`,
    );
  printLine(
    `${verb}: ${c.users} users (${c.users_matched} matched by email), ${c.bots} bots, ${c.channels} channels, ${c.dms} DMs`,
  );
  printLine(
    `${verb}: ${c.messages} messages, ${c.replies} thread replies, ${c.reactions} reactions, ${c.files} files, ${c.pins} pins`,
  );
  printLine(
    `already imported: ${s.already_imported}; system messages skipped: ${s.system_messages_skipped}; replies without their root (kept as messages): ${s.orphan_replies}`,
  );
  printLine(`skipped records: ${s.skipped_count}`);
  for (const k of s.skipped.slice(0, SHOWN_SKIPS)) printLine(`  ${k.where}: ${k.reason}`);
  if (s.skipped_count > SHOWN_SKIPS)
    printLine(`  … and ${s.skipped_count - SHOWN_SKIPS} more (--json lists up to 10,000)`);
}

async function run(format: 'slack' | 'mattermost', path: string, opts: ImportFlags) {
  const batchSize = Number(opts.batchSize);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new CliError('--batch-size must be a positive integer');
  if (format === 'slack' && !(opts.workspace ?? '').trim())
    throw new CliError(
      '--workspace is required (an id or slug; a new one is created by that name)',
    );
  const config = resolveServerConfig({
    ...(opts.data ? { data: opts.data } : {}),
    ...(opts.db ? { db: opts.db } : {}),
    ...(opts.uploads ? { uploads: opts.uploads } : {}),
  });
  if (!opts.dryRun) createDataDirs(config.data);
  const store = await openStore(config.db, { migrate: true });
  const bar = new ProgressBar(format === 'slack' ? 'day files' : 'bytes', 0);
  const kill = process.env.CLICKCLACK_IMPORT_TEST_KILL_AFTER_BATCHES;
  try {
    const summary = await runImport({
      format,
      path,
      ...(opts.workspace?.trim() ? { workspace: opts.workspace.trim() } : {}),
      store,
      dryRun: opts.dryRun === true,
      uploads: {
        blobs: new LocalDiskBlobStore(config.uploads.replace(/^file:\/\//, '')),
        maxBytes: config.uploadMaxBytes,
      },
      batchSize,
      ...(kill ? { killAfterBatches: Number(kill) } : {}),
      progress: (done, total) => {
        bar.total = total;
        bar.update(done);
      },
    });
    bar.finish(bar.total, summary.dry_run ? 'read (dry run)' : 'imported');
    if (opts.json) printJson(summary);
    else printSummary(summary);
  } catch (err) {
    if (err instanceof ImportInputError) throw new CliError(err.message);
    throw err;
  } finally {
    await store.close();
  }
}

export function registerImport(program: Command): void {
  const cmd = program
    .command('import')
    .description('import a Slack or Mattermost export into the database (re-runnable)');
  const common = (c: Command) =>
    c
      .option('--data <dir>', 'data directory (env CLICKCLACK_DATA, default ./data)')
      .option('--db <url>', 'database URL (env CLICKCLACK_DB)')
      .option('--uploads <dir>', 'where imported files go (default <data>/uploads)')
      .option('--dry-run', 'read the export and print what would be created; write nothing')
      .option('--json', 'print the summary as JSON')
      .option('--batch-size <n>', 'messages per write transaction', '2000');
  common(
    cmd
      .command('slack')
      .description('import a Slack export (.zip or unpacked directory)')
      .argument('<export>', 'the export: a .zip or a directory')
      .option('--workspace <ws>', 'target workspace id or slug (created if there is none)'),
  ).action((path: string, opts: ImportFlags) => run('slack', path, opts));
  common(
    cmd
      .command('mattermost')
      .description('import a Mattermost bulk export (.jsonl, or the .zip mmctl writes)')
      .argument('<export>', 'the export: a .jsonl file, a .zip or a directory')
      .option('--workspace <ws>', 'put every team in this workspace (default: one per team)'),
  ).action((path: string, opts: ImportFlags) => run('mattermost', path, opts));
}

import type { BlobStore } from '../../blobs/blob-store.js';
import type { Store } from '../../store/store.js';
import { Importer } from './importer.js';
import { importMattermost } from './mattermost.js';
import type { ImportSummary, ProgressFn } from './model.js';
import { importSlack } from './slack.js';
import { openExport } from './source.js';

export type { ImportSummary } from './model.js';
export { ImportInputError } from './source.js';

export interface RunImportOptions {
  format: 'slack' | 'mattermost';
  /** A .zip, a directory or (Mattermost) a .jsonl file. */
  path: string;
  /** Slack: required. Mattermost: every team into it instead of a workspace per team. */
  workspace?: string;
  store: Store;
  dryRun: boolean;
  uploads?: { blobs: BlobStore; maxBytes: number };
  batchSize?: number;
  killAfterBatches?: number;
  progress?: ProgressFn;
}

/** `clickclack import`: reads an export and writes it through the Importer. */
export async function runImport(opts: RunImportOptions): Promise<ImportSummary> {
  const source = await openExport(opts.path);
  const progress = opts.progress ?? (() => undefined);
  try {
    const importer = new Importer(
      {
        store: opts.store,
        dryRun: opts.dryRun,
        ...(opts.uploads ? { uploads: opts.uploads } : {}),
        ...(opts.batchSize ? { batchSize: opts.batchSize } : {}),
        ...(opts.killAfterBatches !== undefined ? { killAfterBatches: opts.killAfterBatches } : {}),
      },
      opts.format,
    );
    if (opts.format === 'slack') {
      const ws = await importer.workspace({ ref: opts.workspace ?? '' });
      await importSlack(source, importer, ws, progress);
    } else {
      await importMattermost(
        source,
        importer,
        opts.workspace ? { workspace: opts.workspace } : {},
        progress,
      );
    }
    return await importer.finish();
  } finally {
    await source.close();
  }
}

import { resolveDbUrl } from '../../config/resolve.js';
import type { ServiceDeps } from '../../services/context.js';
import { flushOpsUsage, opsDeps } from '../../services/ops-deps.js';
import { openStore } from '../../store/open.js';
import { createDataDirs } from './serve.js';

export interface DbFlags {
  data?: string;
  db?: string;
}

/**
 * Runs an ops command against the database: migrated first, closed after. Events it writes
 * reach a running server's sockets through the log (the server polls for them), hence the
 * stand-ins of `opsDeps`.
 */
export async function withDeps<T>(
  flags: DbFlags,
  fn: (deps: ServiceDeps) => Promise<T>,
  opts: { dataDirs?: boolean } = {},
): Promise<T> {
  const { data, db } = resolveDbUrl(flags);
  if (opts.dataDirs) createDataDirs(data);
  const store = await openStore(db, { migrate: true });
  const deps = opsDeps(store);
  try {
    return await fn(deps);
  } finally {
    await flushOpsUsage(deps).catch(() => undefined);
    await store.close();
  }
}

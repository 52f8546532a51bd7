import { resolveDbUrl } from '../../config/resolve.js';
import type { ServiceDeps } from '../../services/context.js';
import { openStore } from '../../store/open.js';
import { createDataDirs } from './serve.js';

export interface DbFlags {
  data?: string;
  db?: string;
}

/**
 * Runs an ops command against the database: migrated first, closed after. Events it writes
 * reach a running server's sockets through the log (the server polls for them).
 */
export async function withDeps<T>(
  flags: DbFlags,
  fn: (deps: ServiceDeps) => Promise<T>,
  opts: { dataDirs?: boolean } = {},
): Promise<T> {
  const { data, db } = resolveDbUrl(flags);
  if (opts.dataDirs) createDataDirs(data);
  const store = await openStore(db, { migrate: true });
  try {
    return await fn({ store, devBootstrap: false });
  } finally {
    await store.close();
  }
}

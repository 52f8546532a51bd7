import { DEFAULT_OUTBOUND } from '../lib/outbound.js';
import { FailureBackoff, WindowLimiter } from '../lib/rate-limit.js';
import type { Store } from '../store/store.js';
import { DEFAULT_EMAIL_NOTIFY_DELAY_MS } from './account/email-notifications.js';
import { botTokenUses, sessionUses, type LastUsed } from './auth/last-used.js';
import type { RealtimePort, ServiceDeps } from './context.js';

/**
 * Realtime for a process without sockets (admin commands, a second connection in a test):
 * the events it writes reach a running server's sockets through the event log, which every
 * server tails, so there is nothing to publish here and nobody present. A long-poll, were
 * one made, answers at once with what there is.
 */
export const LOG_ONLY_REALTIME: RealtimePort = {
  waitForEvents: () => Promise.resolve(false),
  publishEphemeral: () => undefined,
  revokeCredential: () => undefined,
  dropUser: () => undefined,
  presentUsers: () => [],
};

/** A limiter for a process that takes no untrusted input: its operator is not guessing. */
const unlimited = () => new WindowLimiter(Infinity, 60_000);

/** What an ops process (no HTTP, no sockets) runs services with. */
export interface OpsDeps extends ServiceDeps {
  botUsage: LastUsed;
  sessionUsage: LastUsed;
}

/**
 * The dependencies of a process that serves no one (admin commands, tests calling services
 * directly): every required member, with stand-ins for what only a server has. Features a
 * deployment turns on (mail, single sign-on, uploads) are absent. Credential uses are
 * recorded like the server's; `flushOpsUsage` writes them before the store closes.
 */
export function opsDeps(store: Store): OpsDeps {
  return {
    store,
    devBootstrap: false,
    realtime: LOG_ONLY_REALTIME,
    outbound: DEFAULT_OUTBOUND,
    passwordGuard: {
      loginEnabled: false,
      perIp: unlimited(),
      failures: new FailureBackoff(Infinity, 0, 0, 0),
    },
    redemptionFailures: unlimited(),
    inviteAttempts: unlimited(),
    setupCodeClaims: unlimited(),
    signInLimits: {
      requestsPerAddress: unlimited(),
      requestsPerSource: unlimited(),
      codeGuessesPerSource: unlimited(),
    },
    botUsage: botTokenUses(),
    sessionUsage: sessionUses(),
    emailNotifyDelayMs: DEFAULT_EMAIL_NOTIFY_DELAY_MS,
  };
}

/** Writes the credential uses the process noted (the store stays open). */
export async function flushOpsUsage(deps: OpsDeps): Promise<void> {
  await deps.botUsage.flush(deps.store);
  await deps.sessionUsage.flush(deps.store);
}

import type { Scope } from '@clickclack/protocol';
import type { UserRow } from '../store/repos/users.js';

/**
 * Who is calling: a human (session, cookie or dev fallback) or a bot token. The one caller
 * every service takes, as `actor`. `correlationId` is the caller's validated X-Correlation-ID
 * for this request (http/route.ts `caller`), copied into the events a write records; it rides
 * on the caller so that no service needs a second, per-request parameter.
 */
export type Actor = (
  | { kind: 'human'; user: UserRow; sessionId?: string; via: 'bearer' | 'cookie' | 'dev' }
  | {
      kind: 'bot';
      user: UserRow;
      tokenId: string;
      workspaceId: string;
      scopes: ReadonlySet<Scope>;
    }
) & { correlationId?: string };

/**
 * An integration (incoming webhook, slash command) acting as its own bot user: that bot's
 * access checks apply (workspace, channel membership, moderation), with only the scopes the
 * integration grants. `tokenId` is the integration's id, its credential.
 */
export function integrationActor(
  bot: UserRow,
  integrationId: string,
  workspaceId: string,
  scopes: readonly Scope[],
): Actor {
  return { kind: 'bot', user: bot, tokenId: integrationId, workspaceId, scopes: new Set(scopes) };
}

import type { Scope } from '@clickclack/protocol';
import type { UserRow } from '../store/repos/users.js';

/** Who is calling: a human (session, cookie or dev fallback) or a bot token. */
export type Actor =
  | { kind: 'human'; user: UserRow; sessionId?: string; via: 'bearer' | 'cookie' | 'dev' }
  | {
      kind: 'bot';
      user: UserRow;
      tokenId: string;
      workspaceId: string;
      scopes: ReadonlySet<Scope>;
    };

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

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

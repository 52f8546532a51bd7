/**
 * What one server node tells the others when several share a database. The event log stays
 * the truth: `wake` only hurries the other nodes' tailers (their periodic tail check finds
 * the same events if a message is lost). Ephemeral frames, credential revocations and
 * removals from a workspace exist nowhere else, so they travel whole.
 */
export type WireAudience = 'workspace' | { except: string[] } | string[];

export type BusMessage =
  | { kind: 'wake' }
  | {
      kind: 'ephemeral';
      workspaceId: string;
      frame: string;
      /** 'workspace', every member but `except`, or the user ids that may receive it. */
      audience: WireAudience;
    }
  | { kind: 'revoke'; credentialId: string }
  | { kind: 'drop'; workspaceId: string; userId: string }
  | PresenceMessage;

/**
 * Who is online on the sending node (realtime/presence.ts). `seq` is the number of changes
 * the node has made so far, so a receiver sees when it missed one.
 */
export type PresenceMessage = { kind: 'presence'; node: string; seq: number } & PresenceBody;

export type PresenceBody =
  | { op: 'beat' | 'bye' }
  /** Send your whole list (to one node, or every node when `to` is absent). */
  | { op: 'ask'; to?: string }
  | { op: 'change'; workspaceId: string; userId: string; online: boolean }
  /** Every `[workspace id, user id]` the node holds a socket for. */
  | { op: 'full'; present: [string, string][] };

export interface NodeBus {
  send(msg: BusMessage): void;
  /** Messages from other nodes (never this node's own). */
  onMessage(handler: (msg: BusMessage) => void): void;
  /** After a lost connection is back: whatever was announced meanwhile was missed. */
  onReconnect(handler: () => void): void;
  close(): Promise<void>;
}

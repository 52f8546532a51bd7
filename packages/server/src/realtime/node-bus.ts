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
  | { kind: 'drop'; workspaceId: string; userId: string };

export interface NodeBus {
  send(msg: BusMessage): void;
  /** Messages from other nodes (never this node's own). */
  onMessage(handler: (msg: BusMessage) => void): void;
  /** After a lost connection is back: whatever was announced meanwhile was missed. */
  onReconnect(handler: () => void): void;
  close(): Promise<void>;
}

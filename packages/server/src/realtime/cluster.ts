import type { Audience, RealtimePort } from '../services/context.js';
import type { Hub } from './hub.js';
import type { NodeBus, WireAudience } from './node-bus.js';

/**
 * The realtime port services see on a node that shares its database with others: each
 * call acts on this node's sockets (the hub) and is relayed to the other nodes, whose
 * relayed calls act on their sockets only.
 */
export class ClusterRealtime implements RealtimePort {
  constructor(
    private readonly hub: Hub,
    private readonly bus: NodeBus,
  ) {
    bus.onMessage((msg) => {
      switch (msg.kind) {
        case 'wake':
          return hub.wake();
        case 'ephemeral':
          return hub.publishEphemeral(msg.workspaceId, msg.frame, unwire(msg.audience));
        case 'revoke':
          return hub.revokeCredential(msg.credentialId);
        case 'drop':
          return hub.dropUser(msg.workspaceId, msg.userId);
      }
    });
    // Notifications sent while the listening connection was down are gone: re-read the tail.
    bus.onReconnect(() => hub.wake());
    hub.relayEphemeral = (workspaceId, frame, audience) =>
      bus.send({ kind: 'ephemeral', workspaceId, frame, audience: wire(audience) });
  }

  /** Events were committed here: tail them now, and tell the other nodes to. */
  committed(): void {
    this.hub.wake();
    this.bus.send({ kind: 'wake' });
  }

  waitForEvents(workspaceId: string, timeoutMs: number): Promise<boolean> {
    return this.hub.waitForEvents(workspaceId, timeoutMs);
  }

  publishEphemeral(workspaceId: string, frame: string, audience: Audience): void {
    this.hub.publishEphemeral(workspaceId, frame, audience);
    this.bus.send({ kind: 'ephemeral', workspaceId, frame, audience: wire(audience) });
  }

  revokeCredential(id: string): void {
    this.hub.revokeCredential(id);
    this.bus.send({ kind: 'revoke', credentialId: id });
  }

  dropUser(workspaceId: string, userId: string): void {
    this.hub.dropUser(workspaceId, userId);
    this.bus.send({ kind: 'drop', workspaceId, userId });
  }

  /** This node's sockets only: presence across nodes is not shared yet. */
  presentUsers(workspaceId: string): string[] {
    return this.hub.presentUsers(workspaceId);
  }
}

const wire = (audience: Audience): WireAudience =>
  audience === 'workspace'
    ? 'workspace'
    : 'except' in audience
      ? { except: [...audience.except] }
      : [...audience];

const unwire = (audience: WireAudience): Audience =>
  audience === 'workspace'
    ? 'workspace'
    : Array.isArray(audience)
      ? new Set(audience)
      : { except: new Set(audience.except) };

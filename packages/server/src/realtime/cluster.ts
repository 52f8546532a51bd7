import type { Audience, RealtimePort } from '../services/context.js';
import type { Hub } from './hub.js';
import { presenceFrame } from './frames.js';
import type { NodeBus, WireAudience } from './node-bus.js';
import { ClusterPresence, type PresenceOptions } from './presence.js';

/**
 * The realtime port services see on a node that shares its database with others: each
 * call acts on this node's sockets (the hub) and is relayed to the other nodes, whose
 * relayed calls act on their sockets only. Presence is the cluster's: a user is online
 * while a socket of theirs is open on any live node (realtime/presence.ts).
 */
export class ClusterRealtime implements RealtimePort {
  private readonly presence: ClusterPresence;

  constructor(
    private readonly hub: Hub,
    private readonly bus: NodeBus,
    presence: PresenceOptions = {},
  ) {
    this.presence = new ClusterPresence(
      (msg) => bus.send(msg),
      (workspaceId, userId, online) =>
        hub.publishEphemeral(workspaceId, presenceFrame(workspaceId, userId, online), 'workspace'),
      presence,
    );
    hub.presenceChanged = (workspaceId, userId, online) =>
      this.presence.localChanged(workspaceId, userId, online);
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
        case 'presence':
          return this.presence.receive(msg);
      }
    });
    // Notifications sent while the listening connection was down are gone: re-read the
    // tail, and have every node say again who is online on it.
    bus.onReconnect(() => {
      hub.wake();
      this.presence.resync();
    });
  }

  /** Shutting down: the other nodes drop this node's users now, not when its lease ends. */
  stop(): void {
    this.presence.stop();
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

  presentUsers(workspaceId: string): string[] {
    return this.presence.presentUsers(workspaceId);
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

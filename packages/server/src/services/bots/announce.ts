import type { Event, SystemEventType } from '@clickclack/protocol';
import type { ServiceDeps } from '../context.js';

/**
 * A bot lost a workspace (`bot.membership_removed`) or was retired (`bot.deleted`): its own
 * sockets there close (1008 `workspace access revoked`) and everyone else's receive a
 * system event, which, like upstream's, has no id and no cursor and is never stored.
 */
export function announceBotRemoval(
  deps: ServiceDeps,
  workspaceId: string,
  botId: string,
  type: SystemEventType,
  payload: Record<string, unknown>,
): void {
  deps.realtime.dropUser(workspaceId, botId);
  const event: Event = {
    id: '',
    cursor: '',
    type,
    workspace_id: workspaceId,
    created_at: new Date().toISOString(),
    payload: { bot_user_id: botId, ...payload },
  };
  deps.realtime.publishEphemeral(workspaceId, JSON.stringify(event), {
    except: new Set([botId]),
  });
}

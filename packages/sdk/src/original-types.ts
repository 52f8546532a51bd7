import type {
  AuditLogResponse,
  BotCommandsResponse,
  BotListResponse,
  BotSetupCode,
  ClaimSetupCodeResponse,
  CreateMessageBody,
  DeliveriesResponse,
  DeliveryAttempt,
  MessagePageQuery,
  OwnedBotsResponse,
  PinResponse,
  ReactionsResponse,
  ReceiptResponse,
  RevokeAppBody,
  RevokeAppResponse,
  SearchResult,
  SetCommandsBody,
  ThreadPage,
} from '@clickclack/protocol';
import type { QueryOf } from './http.js';

// The type names the original ClickClack SDK exports, so code typed against it compiles
// unchanged. Each is our own wire type under the original's name.

export type AuditLogEntry = AuditLogResponse['audit_log_entries'][number];
export type BotWithTokens = BotListResponse['bots'][number];
export type BotCommand = BotCommandsResponse['bot_commands'][number];
/** The original keeps separate names for a bot's own menu and the workspace's: one shape here. */
export type WorkspaceBotCommand = BotCommand;
export type BotCommandBot = BotCommand['bot'];
export type BotCommandInput = SetCommandsBody['commands'][number];
export type OwnedBotEntry = OwnedBotsResponse['bots'][number];
export type OwnedBotWorkspace = OwnedBotEntry['workspace'];
export type BotSetupCodeDefaults = BotSetupCode['defaults'];
export type BotSetupCodeClaim = ClaimSetupCodeResponse;
export type RevokeAppInstallationOptions = RevokeAppBody;
export type RevokeAppInstallationResult = RevokeAppResponse;
export type AppInstallationRevokedCounts = RevokeAppResponse['revoked'];
export type EventDeliveryAttempt = DeliveryAttempt;
export type EventDeliveryAttemptsPage = DeliveriesResponse;
export type MessageInput = CreateMessageBody;
export type MessagePageOptions = QueryOf<MessagePageQuery>;
export type ReadReceipt = ReceiptResponse['receipt'];
export type PinMessageResponse = PinResponse;
export type ReactionMutationResponse = ReactionsResponse;
export type SearchHighlight = SearchResult['highlights'][number];
export type Thread = Pick<ThreadPage, 'root' | 'replies' | 'thread_state'>;

/** One line of an agent's live progress (`agent.progress` ephemeral events). */
export interface AgentProgressLine {
  id: string;
  kind: 'commentary' | 'lifecycle' | 'thinking' | 'tool';
  text?: string;
  title?: string;
  tool_name?: string;
  status?: string;
}

/** The `agent.progress` payload; the server passes it through unvalidated. */
export type AgentProgressPayload = { turn_id: string; seq?: number } & (
  { op: 'append' | 'update' | 'finalize'; line: AgentProgressLine } | { op: 'clear'; line?: never }
);

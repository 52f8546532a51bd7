import type { Channel, DirectConversation, Message, User } from '@clickclack/sdk';

/** A DM as the app lists it: marked by kind, so it sits beside channels in one list. */
export type Dm = DirectConversation & { kind: 'dm' };

/** What the main pane shows: a channel (kind public/private) or a DM. */
export type Conversation = Channel | Dm;

export const isDm = (c: Conversation): c is Dm => c.kind === 'dm';

/** A slash command's answer meant for the caller only: shown, never stored. */
export interface Ephemeral {
  id: string;
  command: string;
  text: string;
}

/** What a composer hands over to send. */
export interface Outgoing {
  body: string;
  uploads: { id: string }[];
  quoted_message_id?: string;
}

/** What a message's toolbar and header can do; an absent action is not offered. */
export interface MessageActions {
  onOpenThread?: (m: Message) => void;
  onReact?: (m: Message, emoji: string, mine: boolean) => void;
  onQuote?: (m: Message) => void;
  onMarkUnread?: (m: Message) => void;
  onPin?: (m: Message) => void;
  onAuthor?: (m: Message) => void;
  onStartEdit?: (m: Message) => void;
  onSaveEdit?: (m: Message, body: string) => void;
  onCancelEdit?: () => void;
  onDelete?: (m: Message) => void;
}

/**
 * The payload fields the app reads from realtime events. The protocol types a payload as an
 * open record (each event type has its own fields), so `apply` reads it through this shape.
 */
export interface EventFields {
  message_id?: string;
  author_id?: string;
  user_id?: string;
  channel_id?: string;
  direct_conversation_id?: string;
  root_message_id?: string;
  mentioned_user_ids?: string[];
  reply_count?: number;
  name?: string;
  user?: User;
}

import type { Channel, DirectConversation, Event, Message, User } from '@clickclack/sdk';

/** Readable text beside each tool's structured result: what a person would want to see. */

/** `@handle`, or the name (or id) of a user without one. */
export const who = (u: User): string => (u.handle ? `@${u.handle}` : u.display_name || u.id);

export function messageLine(m: Message): string {
  const seq = m.parent_message_id ? m.thread_seq : m.channel_seq;
  const flags = [
    m.edited_at ? 'edited' : '',
    m.deleted_at ? 'deleted' : '',
    m.thread_state?.reply_count ? `${m.thread_state.reply_count} replies` : '',
    ...(m.reactions ?? []).map((r) => `${r.emoji}×${r.count}`),
    ...(m.attachments ?? []).map((a) => `file ${a.filename} (${a.id})`),
  ].filter((f) => f !== '');
  const head = `[${seq ?? '-'}] ${m.created_at} ${who(m.author)} (${m.id})`;
  const quote = m.quoted_body_snapshot ? `\n  > ${m.quoted_body_snapshot.split('\n')[0]}` : '';
  return `${head}${flags.length ? ` [${flags.join(', ')}]` : ''}${quote}\n  ${m.body.replace(/\n/g, '\n  ')}`;
}

export const messageLines = (messages: readonly Message[]): string =>
  messages.length === 0 ? '(no messages)' : messages.map(messageLine).join('\n');

const counts = (c: { unread_count: number; mention_count: number }): string =>
  c.unread_count || c.mention_count ? ` unread=${c.unread_count} mentions=${c.mention_count}` : '';

export const channelLine = (c: Channel): string =>
  `#${c.name} (${c.id})${c.is_member ? '' : ' not joined'}${c.archived_at ? ' archived' : ''}${counts(c)}${c.topic ? ` — ${c.topic}` : ''}`;

export const dmLine = (d: DirectConversation): string =>
  `DM ${d.members.map(who).join(', ')} (${d.id})${counts(d)}`;

/** Where an event happened (channel, DM or workspace) and its interesting ids. */
export function eventParts(ev: Event): { where: string; what: string } {
  const where =
    ev.channel_id ??
    (typeof ev.payload.direct_conversation_id === 'string'
      ? ev.payload.direct_conversation_id
      : ev.workspace_id);
  const what = ['message_id', 'root_message_id', 'user_id', 'author_id', 'emoji']
    .filter((k) => typeof ev.payload[k] === 'string')
    .map((k) => `${k}=${String(ev.payload[k])}`)
    .join(' ');
  return { where, what };
}

export function eventLine(ev: Event): string {
  const { where, what } = eventParts(ev);
  return `${ev.cursor} ${ev.type} ${where}${what ? ` ${what}` : ''}`;
}

import type {
  CreateMessageBody,
  Message,
  MessagePageQuery,
  QueryOf,
  ThreadState,
} from '@clickclack/sdk';
import { client } from './sdk.ts';
import type { Conversation, Ephemeral, Outgoing } from './types.ts';

/** At most this many messages are kept (and rendered); scrolling pages the rest in and out. */
export const WINDOW = 300;
const PAGE = 50;

const noReplies = (id: string): ThreadState => ({
  root_message_id: id,
  reply_count: 0,
  last_reply_author_ids: [],
});

/**
 * One open channel or DM: a window of its messages, paged by seq in both directions, kept
 * current by realtime events. `conv` is a Channel (kind public/private) or a DM (kind 'dm').
 */
export class ConversationView {
  messages = $state<Message[]>([]);
  hasOlder = $state(false);
  hasNewer = $state(false);
  loading = $state(false);
  /** Bumped when the window was replaced, so the list knows to re-anchor its scroll. */
  generation = $state(0);
  /** Slash command answers meant for the caller only: shown here, never stored. */
  ephemeral = $state<Ephemeral[]>([]);
  /** The seq of the first message unread when the conversation was opened (the divider). */
  unreadFrom = $state<number | null>(null);
  /** Set by "mark unread": what arrives while still open does not mark it read again. */
  holdRead = false;
  /** Settles once every read pointer sent so far has been answered. */
  private readsInFlight: Promise<unknown> = Promise.resolve();
  readonly isDm: boolean;

  constructor(readonly conv: Conversation) {
    this.isDm = conv.kind === 'dm';
  }

  page(query: QueryOf<MessagePageQuery>) {
    return this.isDm
      ? client.dms.messagePage(this.conv.id, query)
      : client.channels.messagePage(this.conv.id, query);
  }

  /**
   * Where the caller left off: the first unread seq from their read pointer on the server
   * (fresh, since another tab or device may have read further), or null.
   */
  async findUnread(): Promise<number | null> {
    const fresh = await (
      this.isDm ? client.dms.get(this.conv.id) : client.channels.get(this.conv.id)
    ).catch(() => this.conv);
    // A conversation never read (a channel just joined) has no place left off: it opens at
    // its newest end like a fresh one.
    const leftOff = fresh.last_read_seq > 0 && fresh.last_seq > fresh.last_read_seq;
    this.unreadFrom = leftOff ? fresh.last_read_seq + 1 : null;
    return this.unreadFrom;
  }

  /** Mark unread from a message: the divider moves there and the server pointer moves back. */
  async markUnread(message: Message): Promise<void> {
    const seq = message.channel_seq;
    if (seq === undefined) return;
    // Held first, so a page arriving meanwhile cannot mark it read again behind our back;
    // and a read pointer already on its way lands first, or it could overtake this request
    // and move the pointer forward again (the server only moves it forward for a read).
    this.holdRead = true;
    await this.readsInFlight;
    await (this.isDm
      ? client.dms.markUnread(this.conv.id, seq)
      : client.channels.markUnread(this.conv.id, seq));
    this.unreadFrom = seq;
  }

  /** Loads the newest page, or the page around one seq (a deep link, the first unread). */
  async load(aroundSeq?: number): Promise<void> {
    this.loading = true;
    try {
      const page = await this.page(
        aroundSeq
          ? { around_seq: String(aroundSeq), limit: String(PAGE) }
          : { limit: String(PAGE) },
      );
      this.messages = page.messages;
      this.hasOlder = page.has_older;
      this.hasNewer = page.has_newer;
      this.generation++;
      if (!page.has_newer && page.newest_seq) this.markRead(page.newest_seq);
    } finally {
      this.loading = false;
    }
  }

  loadOlder() {
    return this.extend('older');
  }

  loadNewer() {
    return this.extend('newer');
  }

  /** One page beyond either end of the window; false when there was nothing to load. */
  async extend(side: 'older' | 'newer'): Promise<boolean> {
    const older = side === 'older';
    const edge = older ? this.messages[0] : this.messages.at(-1);
    if (this.loading || !(older ? this.hasOlder : this.hasNewer) || !edge) return false;
    this.loading = true;
    try {
      const page = await this.page(
        older
          ? { before_seq: String(edge.channel_seq), limit: String(PAGE) }
          : { after_seq: String(edge.channel_seq), limit: String(PAGE) },
      );
      const fresh = page.messages.filter((m) => !this.has(m.id));
      this.setWindow(older ? [...fresh, ...this.messages] : [...this.messages, ...fresh], side);
      if (older) this.hasOlder = page.has_older;
      else {
        this.hasNewer = page.has_newer;
        if (!page.has_newer && page.newest_seq) this.markRead(page.newest_seq);
      }
      return fresh.length > 0;
    } finally {
      this.loading = false;
    }
  }

  /** At most WINDOW messages: what grew on one side pushes the other side out of the window. */
  setWindow(messages: Message[], grewOn: 'older' | 'newer'): void {
    if (messages.length > WINDOW) {
      if (grewOn === 'older') {
        messages = messages.slice(0, WINDOW);
        this.hasNewer = true;
      } else {
        messages = messages.slice(messages.length - WINDOW);
        this.hasOlder = true;
      }
    }
    this.messages = messages;
  }

  has(id: string): boolean {
    return this.messages.some((m) => m.id === id);
  }

  markRead(seq: number): void {
    if (this.holdRead) return;
    const p = this.isDm
      ? client.dms.markRead(this.conv.id, seq)
      : client.channels.markRead(this.conv.id, seq);
    this.readsInFlight = Promise.all([this.readsInFlight, p.catch(() => undefined)]);
  }

  /** A new root message: appended only when the window already shows the newest end. */
  added(message: Message): boolean {
    if (this.hasNewer || this.has(message.id)) return false;
    this.setWindow([...this.messages, message], 'newer');
    if (message.channel_seq) this.markRead(message.channel_seq);
    return true;
  }

  replace(message: Message): void {
    this.messages = this.messages.map((m) =>
      m.id === message.id
        ? { ...message, thread_state: message.thread_state ?? m.thread_state }
        : m,
    );
  }

  patch(id: string, fn: (m: Message) => Message): void {
    this.messages = this.messages.map((m) => (m.id === id ? fn(m) : m));
  }

  /** Runs a registered slash command; an ephemeral answer is shown to the caller only. */
  async runCommand(command: string, text: string): Promise<void> {
    const res = await client.slashCommands.invoke(this.conv.id, command, text);
    if (res.message) this.added(res.message);
    else if (res.text)
      this.ephemeral = [...this.ephemeral, { id: crypto.randomUUID(), command, text: res.text }];
  }

  dismissEphemeral(id: string): void {
    this.ephemeral = this.ephemeral.filter((e) => e.id !== id);
  }

  async send({ body, uploads, quoted_message_id }: Outgoing): Promise<Message> {
    const input: CreateMessageBody = {
      body,
      nonce: crypto.randomUUID(),
      ...(quoted_message_id ? { quoted_message_id } : {}),
    };
    if (uploads[0]) input.upload_id = uploads[0].id;
    let message = this.isDm
      ? await client.dms.sendMessage(this.conv.id, input)
      : await client.channels.sendMessage(this.conv.id, input);
    if (uploads.length > 1) {
      for (const u of uploads.slice(1)) await client.uploads.attach(message.id, u.id);
      message = await client.messages.get(message.id);
    }
    if (this.hasNewer) await this.load();
    else if (this.has(message.id)) this.replace(message);
    else this.added({ ...message, thread_state: message.thread_state ?? noReplies(message.id) });
    return message;
  }
}

/** The open thread: its root and replies, refreshed from the server on every change. */
export class ThreadView {
  root = $state<Message | null>(null);
  replies = $state<Message[]>([]);

  constructor(readonly rootId: string) {}

  async load(): Promise<void> {
    const page = await client.threads.get(this.rootId, { limit: '200', latest: 'true' });
    this.root = page.root;
    this.replies = page.replies;
  }

  async send({ body, uploads, quoted_message_id }: Outgoing): Promise<Message> {
    const message = await client.threads.reply(this.rootId, {
      body,
      nonce: crypto.randomUUID(),
      ...(quoted_message_id ? { quoted_message_id } : {}),
    });
    for (const u of uploads) await client.uploads.attach(message.id, u.id);
    await this.load();
    return message;
  }
}

import { client } from './sdk.js';

/** At most this many messages are kept (and rendered); scrolling pages the rest in and out. */
export const WINDOW = 300;
const PAGE = 50;

/**
 * One open channel or DM: a window of its messages, paged by seq in both directions, kept
 * current by realtime events. `conv` is a Channel (kind public/private) or a DM (kind 'dm').
 */
export class ConversationView {
  messages = $state([]);
  hasOlder = $state(false);
  hasNewer = $state(false);
  loading = $state(false);
  /** Bumped when the window was replaced, so the list knows to re-anchor its scroll. */
  generation = $state(0);

  constructor(conv) {
    this.conv = conv;
    this.isDm = conv.kind === 'dm';
  }

  page(query) {
    return this.isDm
      ? client.dms.messages(this.conv.id, query)
      : client.channels.messagePage(this.conv.id, query);
  }

  /** Loads the newest page, or the page around one seq (a deep link). */
  async load(aroundSeq) {
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

  async loadOlder() {
    if (this.loading || !this.hasOlder || !this.messages.length) return false;
    this.loading = true;
    try {
      const page = await this.page({
        before_seq: String(this.messages[0].channel_seq),
        limit: String(PAGE),
      });
      let next = [...page.messages, ...this.messages];
      if (next.length > WINDOW) {
        next = next.slice(0, WINDOW);
        this.hasNewer = true;
      }
      this.messages = next;
      this.hasOlder = page.has_older;
      return page.messages.length > 0;
    } finally {
      this.loading = false;
    }
  }

  async loadNewer() {
    if (this.loading || !this.hasNewer || !this.messages.length) return false;
    this.loading = true;
    try {
      const page = await this.page({
        after_seq: String(this.messages.at(-1).channel_seq),
        limit: String(PAGE),
      });
      let next = [...this.messages, ...page.messages.filter((m) => !this.has(m.id))];
      if (next.length > WINDOW) {
        next = next.slice(next.length - WINDOW);
        this.hasOlder = true;
      }
      this.messages = next;
      this.hasNewer = page.has_newer;
      if (!page.has_newer && page.newest_seq) this.markRead(page.newest_seq);
      return page.messages.length > 0;
    } finally {
      this.loading = false;
    }
  }

  has(id) {
    return this.messages.some((m) => m.id === id);
  }

  markRead(seq) {
    const p = this.isDm
      ? client.dms.markRead(this.conv.id, seq)
      : client.channels.markRead(this.conv.id, seq);
    void p.catch(() => undefined);
  }

  /** A new root message: appended only when the window already shows the newest end. */
  added(message) {
    if (this.hasNewer || this.has(message.id)) return false;
    this.messages = [...this.messages, message];
    if (this.messages.length > WINDOW) {
      this.messages = this.messages.slice(this.messages.length - WINDOW);
      this.hasOlder = true;
    }
    if (message.channel_seq) this.markRead(message.channel_seq);
    return true;
  }

  replace(message) {
    this.messages = this.messages.map((m) =>
      m.id === message.id
        ? { ...message, thread_state: message.thread_state ?? m.thread_state }
        : m,
    );
  }

  patch(id, fn) {
    this.messages = this.messages.map((m) => (m.id === id ? fn(m) : m));
  }

  async send({ body, uploads, quoted_message_id }) {
    const input = {
      body,
      nonce: crypto.randomUUID(),
      ...(quoted_message_id ? { quoted_message_id } : {}),
    };
    if (uploads[0]) input.upload_id = uploads[0].id;
    const res = this.isDm
      ? await client.dms.sendMessage(this.conv.id, input)
      : await client.channels.sendMessage(this.conv.id, input);
    let message = res.message;
    if (uploads.length > 1) {
      for (const u of uploads.slice(1)) await client.uploads.attach(message.id, u.id);
      message = await client.messages.get(message.id);
    }
    if (this.hasNewer) await this.load();
    else if (this.has(message.id)) this.replace(message);
    else this.added({ ...message, thread_state: message.thread_state ?? { reply_count: 0 } });
    return message;
  }
}

/** The open thread: its root and replies, refreshed from the server on every change. */
export class ThreadView {
  root = $state(null);
  replies = $state([]);

  constructor(rootId) {
    this.rootId = rootId;
  }

  async load() {
    const page = await client.threads.get(this.rootId, { limit: '200', latest: 'true' });
    this.root = page.root;
    this.replies = page.replies;
  }

  async send({ body, uploads, quoted_message_id }) {
    const res = await client.threads.reply(this.rootId, {
      body,
      nonce: crypto.randomUUID(),
      ...(quoted_message_id ? { quoted_message_id } : {}),
    });
    for (const u of uploads) await client.uploads.attach(res.message.id, u.id);
    await this.load();
    return res.message;
  }
}

import type { Insertable } from 'kysely';
import { isoPlus, nowIso } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import type { Mail, Mailer } from '../lib/mailer.js';
import { newSecret } from '../lib/tokens.js';
import { emailSettingsOf, unsubscribeToken } from '../services/account/email-notifications.js';
import { canReadChannel, canReadDm } from '../services/policies.js';
import type { EmailNotificationRow } from '../store/repos/email-notify.js';
import type { MessageRow } from '../store/repos/messages.js';
import type { UserRow } from '../store/repos/users.js';
import type { EmailNotificationsTable } from '../store/schema.js';
import type { Repos, Store } from '../store/store.js';
import { retryDelayMs } from './retry.js';

export interface EmailNotifierOptions {
  mailer: Mailer;
  /** `serve --public-url`: every link in the mail starts with it. */
  publicUrl: string;
  /** `serve --email-notify-delay`, for users who did not choose their own. */
  defaultDelayMs: number;
  pollMs: number;
  /** First retry of a failed send; doubles per attempt. */
  retryBaseMs: number;
  maxAttempts: number;
}

export const EMAIL_NOTIFY_DEFAULTS = { pollMs: 5_000, retryBaseMs: 60_000, maxAttempts: 6 };

/** How long a node holds the batches it took: far beyond one SMTP conversation. */
const LEASE_MS = 5 * 60_000;
/** Recipients mailed per pass. */
const USERS_PER_PASS = 20;
const SNIPPET_CHARS = 300;

type Reason = EmailNotificationRow['reason'];

/** What one line of a mail says and links to. */
interface Item {
  row: EmailNotificationRow;
  message: MessageRow;
  author: string;
  where: string;
  link: string;
}

const enc = encodeURIComponent;

const REASON_TEXT: Record<Reason, string> = {
  mention: 'mentioned you',
  dm: 'sent you a direct message',
  reply: 'replied in a thread you follow',
};

/**
 * Email when away. Reads the event log from its own persisted cursor and queues, in the
 * transaction that advances the cursor, one row per (recipient, message) for mentions, DMs
 * and replies in followed threads, due after the recipient's delay. Due rows are leased in a
 * write transaction (a conditional update: of nodes leasing side by side one takes each),
 * checked again (read since? channel muted? still readable?) and mailed as one batch per
 * recipient; a failed send is retried with backoff. A node that dies between the SMTP
 * server's acceptance and recording it leaves the lease to expire and the batch is sent
 * again then: the one case of a second copy.
 */
export class EmailNotifier {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly opts: EmailNotifierOptions,
  ) {}

  async start(): Promise<void> {
    if (!(await this.store.read.emailNotify.state())) {
      const newest = await this.store.read.events.newestCursor();
      await this.store.write((tx) => tx.emailNotify.initState(newest, newSecret('uns')));
    }
    this.timer = setInterval(() => this.wake(), this.opts.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  wake(): void {
    if (this.stopped || this.running) return;
    this.running = this.pass().finally(() => (this.running = undefined));
  }

  private async pass(): Promise<void> {
    try {
      while (!this.stopped && (await this.enqueueBatch()));
      if (!this.stopped) await this.sendDue();
    } catch {
      // State lives in the database: the next pass picks up where this one failed.
    }
  }

  /** Moves one batch of new events into the queue. Returns true if it did work. */
  private async enqueueBatch(): Promise<boolean> {
    return this.store.write(async (tx) => {
      const state = await tx.emailNotify.state({ lock: true });
      if (!state) return false;
      const events = await tx.events.allAfter(state.cursor, 500);
      const last = events[events.length - 1];
      if (!last) return false;
      const wanted = new Map<string, { userId: string; messageId: string; reason: Reason }>();
      const at = new Map<string, { workspaceId: string; createdAt: string }>();
      for (const ev of events) {
        if (ev.type !== 'message.created' && ev.type !== 'thread.reply_created') continue;
        const p = JSON.parse(ev.payload_json) as {
          message_id?: string;
          author_id?: string;
          root_message_id?: string;
        };
        const messageId = p.message_id;
        if (!messageId) continue;
        at.set(messageId, { workspaceId: ev.workspace_id, createdAt: ev.created_at });
        const add = (userIds: readonly string[], reason: Reason) => {
          for (const userId of userIds) {
            const key = `${userId} ${messageId}`;
            if (userId !== p.author_id && !wanted.has(key))
              wanted.set(key, { userId, messageId, reason });
          }
        };
        if (ev.mentioned_user_ids) add(JSON.parse(ev.mentioned_user_ids) as string[], 'mention');
        if (ev.direct_conversation_id) add(await tx.dms.memberIds(ev.direct_conversation_id), 'dm');
        if (ev.type === 'thread.reply_created' && p.root_message_id)
          add(await tx.messaging.followers(p.root_message_id), 'reply');
      }
      const userIds = [...new Set([...wanted.values()].map((w) => w.userId))];
      const users = new Map((await tx.users.byIds(userIds)).map((u) => [u.id, u]));
      const settings = await tx.emailNotify.settingsOf(userIds);
      const queue: Insertable<EmailNotificationsTable>[] = [];
      for (const w of wanted.values()) {
        const user = users.get(w.userId);
        if (!user || !mailable(user)) continue;
        const s = emailSettingsOf(user, settings.get(user.id), this.opts.defaultDelayMs);
        const origin = at.get(w.messageId);
        if (!s.enabled || !origin) continue;
        queue.push({
          id: newId('emailNotification'),
          user_id: w.userId,
          workspace_id: origin.workspaceId,
          message_id: w.messageId,
          reason: w.reason,
          due_at: isoPlus(s.delay_seconds * 1000, new Date(origin.createdAt)),
          lease_until: null,
          created_at: nowIso(),
          completed_at: null,
        });
      }
      // A message deleted since its event no longer has a row to point at.
      const live = new Set(
        (await tx.messages.byIds([...new Set(queue.map((q) => q.message_id))])).map((m) => m.id),
      );
      await tx.emailNotify.enqueue(queue.filter((q) => live.has(q.message_id)));
      await tx.emailNotify.setCursor(last.cursor);
      return true;
    });
  }

  private async sendDue(): Promise<void> {
    const next = await this.store.read.emailNotify.nextDueAt();
    if (next === undefined || next > nowIso()) return;
    const leased = await this.store.write((tx) =>
      tx.emailNotify.leaseDue(nowIso(), USERS_PER_PASS, isoPlus(LEASE_MS)),
    );
    const byUser = new Map<string, EmailNotificationRow[]>();
    for (const row of leased) byUser.set(row.user_id, [...(byUser.get(row.user_id) ?? []), row]);
    for (const [userId, rows] of byUser) await this.sendBatch(userId, rows);
  }

  /** Mails one recipient the notifications still worth sending, and records the outcome. */
  private async sendBatch(userId: string, rows: EmailNotificationRow[]): Promise<void> {
    const db = this.store.read;
    const user = await db.users.byId(userId);
    const settings = user
      ? emailSettingsOf(user, await db.emailNotify.settings(userId), this.opts.defaultDelayMs)
      : undefined;
    const items: Item[] = [];
    if (user && mailable(user) && settings?.enabled) {
      for (const row of rows) {
        const item = await this.stillWorthSending(db, user, row);
        if (item) items.push(item);
      }
    }
    const sentIds = items.map((i) => i.row.id);
    const skipped = rows.filter((r) => !sentIds.includes(r.id)).map((r) => r.id);
    let failure: Error | undefined;
    if (user && items.length > 0) {
      const state = await db.emailNotify.state();
      try {
        await this.opts.mailer.send(this.compose(user, items, state?.signing_secret ?? ''));
      } catch (err) {
        failure = err as Error;
      }
    }
    await this.store.write(async (tx) => {
      const at = nowIso();
      await tx.emailNotify.finish(skipped, 'skipped', at);
      if (!failure) return tx.emailNotify.finish(sentIds, 'sent', at);
      const attempts = Math.max(...items.map((i) => i.row.attempts)) + 1;
      if (attempts >= this.opts.maxAttempts) return tx.emailNotify.finish(sentIds, 'failed', at);
      await tx.emailNotify.retry(
        sentIds,
        attempts,
        isoPlus(retryDelayMs(attempts, this.opts.retryBaseMs)),
      );
    });
  }

  /** Unread, not muted, still readable by them: then what its line in the mail says. */
  private async stillWorthSending(
    db: Repos,
    user: UserRow,
    row: EmailNotificationRow,
  ): Promise<Item | undefined> {
    const message = await db.messages.byId(row.message_id);
    if (!message || message.deleted_at) return undefined;
    const read = await db.emailNotify.readState(message, user.id);
    // A top-level message is read once the pointer passed it; a thread reply (no seq of its
    // own there) once the reader came back to the conversation after it was posted.
    const seen =
      read !== undefined &&
      (message.parent_message_id === null && message.channel_seq !== null
        ? read.last_read_seq >= message.channel_seq
        : read.last_read_at >= message.created_at);
    if (seen) return undefined;
    const workspace = await db.workspaces.byId(message.workspace_id);
    if (!workspace) return undefined;
    let where: string;
    let path: string;
    if (message.channel_id !== null) {
      const channel = await db.channels.byId(message.channel_id);
      if (!channel || !(await canReadChannel(db, user.id, channel))) return undefined;
      const pref = await db.channels.notificationPreference(channel.id, user.id);
      if (pref === 'muted' || (pref === 'mentions' && row.reason !== 'mention')) return undefined;
      where = `#${channel.name} (${workspace.name})`;
      path = `/app/${enc(workspace.slug)}/${enc(channel.name)}`;
    } else if (message.direct_conversation_id !== null) {
      const dmId = message.direct_conversation_id;
      if (!(await canReadDm(db, user.id, workspace.id, dmId))) return undefined;
      where = `a direct message (${workspace.name})`;
      path = `/app/${enc(workspace.slug)}/dm/${enc(dmId)}`;
    } else return undefined;
    path +=
      message.parent_message_id === null
        ? `/m/${enc(message.id)}`
        : `/t/${enc(message.thread_root_id)}`;
    const author = await db.users.byId(message.author_id);
    return {
      row,
      message,
      author: message.override_username || author?.display_name || 'Someone',
      where,
      link: `${this.opts.publicUrl}${path}`,
    };
  }

  private compose(user: UserRow, items: Item[], secret: string): Mail {
    const unsubscribe = `${this.opts.publicUrl}/unsubscribe?token=${enc(unsubscribeToken(secret, user.id))}`;
    const first = items[0] as Item;
    const subject =
      items.length === 1
        ? `${first.author} ${REASON_TEXT[first.row.reason]} in ${first.where}`
        : `${items.length} messages for you on ClickClack`;
    const lines = items.map((i) => {
      const body = i.message.body.replace(/\s+/g, ' ').trim();
      const snippet = body.length > SNIPPET_CHARS ? `${body.slice(0, SNIPPET_CHARS)}…` : body;
      return `${i.author} ${REASON_TEXT[i.row.reason]} in ${i.where}:\n  ${snippet}\n  ${i.link}\n`;
    });
    return {
      to: user.email,
      subject,
      text: [
        `Hi ${user.display_name},`,
        '',
        'While you were away:',
        '',
        ...lines,
        '—',
        'You get these emails for mentions, direct messages and replies you have not read.',
        `Stop them: ${unsubscribe}`,
      ].join('\n'),
      headers: {
        'List-Unsubscribe': `<${unsubscribe}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    };
  }
}

/** A human who can still sign in and has an address to mail. */
const mailable = (u: UserRow): boolean =>
  u.kind === 'human' && !u.deleted_at && !u.deactivated_at && u.email.includes('@');

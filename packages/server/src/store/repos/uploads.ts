import { type ExpressionBuilder, type Selectable, sql } from 'kysely';
import type { Dialect, Executor } from '../executor.js';
import { LOCK_SCOPE, lockKey } from '../locks.js';
import { inList, prepared } from '../prepared.js';
import type { DB, UploadsTable } from '../schema.js';
import type { MessageRow } from './messages.js';

export type UploadRow = Selectable<UploadsTable>;

type AttachmentRow = UploadRow & { message_id: string };

const attachmentsOf = prepared<{ ids: readonly string[] }, AttachmentRow>((db, p) =>
  db
    .selectFrom('message_attachments as a')
    .innerJoin('uploads as u', 'u.id', 'a.upload_id')
    .selectAll('u')
    .select('a.message_id')
    .where(inList(db, 'a.message_id', p.ids))
    .orderBy('a.created_at')
    .orderBy('u.id'),
);

/** A workspace's icon (`icon_url` = its download path) is in use though no message attaches it. */
const notAnIcon = (eb: ExpressionBuilder<DB & { u: UploadsTable }, 'u'>) =>
  eb.not(
    eb.exists(
      eb
        .selectFrom('workspaces as w')
        .select('w.id')
        .whereRef('w.id', '=', 'u.workspace_id')
        .where('w.icon_url', '=', sql<string>`'/api/uploads/' || ${eb.ref('u.id')}`),
    ),
  );

/** Upload metadata and which messages attach which uploads. */
export class UploadsRepo {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect = 'sqlite',
  ) {}

  /** Held until the write commits: one user's uploads to a workspace are checked one by one. */
  lockQuota(ownerId: string, workspaceId: string): Promise<void> {
    return lockKey(this.db, this.dialect, LOCK_SCOPE.uploadQuota, `${ownerId} ${workspaceId}`);
  }

  async insert(row: UploadRow): Promise<void> {
    await this.db.insertInto('uploads').values(row).execute();
  }

  /** What one user has stored in one workspace (their upload quota's use). */
  async usage(ownerId: string, workspaceId: string): Promise<{ files: number; bytes: number }> {
    const row = await this.db
      .selectFrom('uploads')
      .select((eb) => [eb.fn.countAll().as('files'), eb.fn.sum('byte_size').as('bytes')])
      .where('owner_id', '=', ownerId)
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirstOrThrow();
    return { files: Number(row.files), bytes: Number(row.bytes ?? 0) };
  }

  byId(id: string): Promise<UploadRow | undefined> {
    return this.db.selectFrom('uploads').selectAll().where('id', '=', id).executeTakeFirst();
  }

  byNonce(ownerId: string, nonce: string): Promise<UploadRow | undefined> {
    return this.db
      .selectFrom('uploads')
      .selectAll()
      .where('owner_id', '=', ownerId)
      .where('client_nonce', '=', nonce)
      .where('client_nonce', '<>', sql.lit('')) // lets the partial index uploads_owner_nonce serve it
      .executeTakeFirst();
  }

  /** Links an upload to a message; false when it already was. */
  async attach(messageId: string, uploadId: string, at: string): Promise<boolean> {
    const res = await this.db
      .insertInto('message_attachments')
      .values({ message_id: messageId, upload_id: uploadId, created_at: at })
      .onConflict((oc) => oc.columns(['message_id', 'upload_id']).doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async detachAll(messageId: string): Promise<void> {
    await this.db.deleteFrom('message_attachments').where('message_id', '=', messageId).execute();
  }

  /** Attachments of live messages, in link order. */
  async attachmentsOf(messageIds: readonly string[]): Promise<AttachmentRow[]> {
    if (messageIds.length === 0) return [];
    return (await attachmentsOf(this.db, { ids: messageIds })).rows;
  }

  /** Live messages that attach an upload (for download access checks). */
  messagesWith(uploadId: string): Promise<MessageRow[]> {
    return this.db
      .selectFrom('message_attachments as a')
      .innerJoin('messages as m', 'm.id', 'a.message_id')
      .selectAll('m')
      .where('a.upload_id', '=', uploadId)
      .where('m.deleted_at', 'is', null)
      .execute();
  }

  /** Uploads created at or before `before` that no message attaches. */
  orphans(before: string, limit: number): Promise<UploadRow[]> {
    return this.db
      .selectFrom('uploads as u')
      .selectAll('u')
      .where('u.created_at', '<=', before)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('message_attachments as a')
              .select('a.upload_id')
              .whereRef('a.upload_id', '=', 'u.id'),
          ),
        ),
      )
      .where(notAnIcon)
      .limit(limit)
      .execute();
  }

  /**
   * Deletes an upload unless a message attaches it; false when it stays. The orphan list is
   * read before the deletes, and a message may attach one of them in between.
   */
  async deleteIfOrphan(id: string): Promise<boolean> {
    const res = await this.db
      .deleteFrom('uploads as u')
      .where('u.id', '=', id)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb.selectFrom('message_attachments').select('upload_id').where('upload_id', '=', id),
          ),
        ),
      )
      .where(notAnIcon)
      .executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }
}

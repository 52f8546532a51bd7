import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import type { Upload } from '@clickclack/protocol';
import { fileTypeFromBuffer } from 'file-type';
import { imageSize } from 'image-size';
import { type BlobStore, BlobTooLargeError } from '../../blobs/blob-store.js';
import { byteRange, type ByteRange } from '../../lib/byte-range.js';
import { nowIso } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { UploadRow } from '../../store/repos/uploads.js';
import type { Repos } from '../../store/store.js';
import type { Actor } from '../actor.js';
import type { Outcome, ServiceDeps, UploadQuota } from '../context.js';
import { DomainError, badRequest, conflict, forbidden, notFound } from '../errors.js';
import { messageEventScope, messageRef } from '../messages/scope.js';
import { presentUpload } from '../present.js';
import {
  assertScope,
  assertUnrestricted,
  requireMember,
  requireReadableMessage,
  roleMayReadChannel,
  roleMayReadDm,
} from '../policies.js';
import * as v from '../validate.js';

export const DEFAULT_UPLOAD_MAX_BYTES = 25 * 1024 * 1024;

/** As the original: 64 files and 512 MiB per user per workspace. */
export const DEFAULT_UPLOAD_QUOTA: UploadQuota = { files: 64, bytes: 512 * 1024 * 1024 };

const quotaExceeded = () => new DomainError('payload_too_large', 'upload quota exceeded');

/** Refuses an upload that would take the user past their quota in this workspace. */
async function assertQuota(
  db: Repos,
  quota: UploadQuota,
  ownerId: string,
  workspaceId: string,
  adding: { files: number; bytes: number },
): Promise<number> {
  const used = await db.uploads.usage(ownerId, workspaceId);
  if (used.files + adding.files > quota.files || used.bytes + adding.bytes > quota.bytes)
    throw quotaExceeded();
  return quota.bytes - used.bytes;
}
/** Types served inline; everything else is downloaded as application/octet-stream. */
const INLINE = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'video/mp4',
  'video/webm',
  'text/plain',
  'application/pdf',
]);

/** A display name only: no directories, no control characters, bounded. */
export function safeFilename(raw: string): string {
  const name = [...basename(raw.replace(/\\/g, '/'))]
    .filter((c) => (c.codePointAt(0) ?? 0) >= 32 && c !== '\u007f')
    .join('')
    .trim()
    .slice(0, 255);
  return name === '' || name === '.' || name === '..' ? 'file' : name;
}

/** The type comes from the bytes, not from what the client claimed (text is the exception). */
async function sniff(head: Buffer, claimed: string): Promise<string> {
  const detected = await fileTypeFromBuffer(head);
  if (detected) return detected.mime;
  const textual = claimed.split(';')[0]?.trim().toLowerCase() === 'text/plain' || head.length === 0;
  return textual && !head.includes(0) ? 'text/plain' : 'application/octet-stream';
}

function dimensions(head: Buffer, type: string): { width: number; height: number } {
  if (!type.startsWith('image/')) return { width: 0, height: 0 };
  try {
    const d = imageSize(head);
    return { width: d.width ?? 0, height: d.height ?? 0 };
  } catch {
    return { width: 0, height: 0 };
  }
}

export interface IncomingFile {
  stream: Readable;
  filename: string;
  mimetype: string;
}

/**
 * Streams a file into the blob store (size limit enforced, type from its bytes) and returns
 * the upload row to insert; the caller deletes the blob should that insert fail.
 */
export async function storeBlob(
  store: { blobs: BlobStore; maxBytes: number },
  input: {
    workspaceId: string;
    ownerId: string;
    nonce: string;
    file: IncomingFile;
    durationMs?: number;
    createdAt: string;
  },
): Promise<UploadRow> {
  let blob;
  try {
    blob = await store.blobs.put(input.file.stream, store.maxBytes);
  } catch (err) {
    if (err instanceof BlobTooLargeError) throw new DomainError('payload_too_large', err.message);
    throw err;
  }
  const type = await sniff(blob.head, input.file.mimetype);
  return {
    id: newId('upload'),
    workspace_id: input.workspaceId,
    owner_id: input.ownerId,
    client_nonce: input.nonce,
    filename: safeFilename(input.file.filename),
    content_type: type,
    byte_size: blob.size,
    storage_path: blob.key,
    ...dimensions(blob.head, type),
    duration_ms: Math.max(0, Math.floor(input.durationMs ?? 0)) || 0,
    created_at: input.createdAt,
  };
}

/**
 * Stores an upload: membership and nonce checked first, bytes streamed to the blob store
 * under a random key with the size limit enforced, then the row. A nonce replay returns the
 * earlier upload without storing anything.
 */
export async function createUpload(
  deps: ServiceDeps,
  actor: Actor,
  input: { workspaceId: string; nonce?: string; file: IncomingFile; durationMs?: number },
): Promise<Outcome<{ upload: Upload }>> {
  const store = deps.uploads;
  if (!store) throw new DomainError('internal', 'uploads are not configured');
  assertScope(actor, 'uploads:write');
  const db = deps.store.read;
  await requireMember(db, actor, input.workspaceId);
  await assertUnrestricted(db, input.workspaceId, actor.user.id);
  const nonce = v.nonce(input.nonce);
  if (nonce) {
    const prev = await db.uploads.byNonce(actor.user.id, nonce);
    if (prev) {
      input.file.stream.resume();
      if (prev.workspace_id !== input.workspaceId)
        throw conflict('upload nonce was already used in another workspace');
      return { created: false, response: { upload: presentUpload(prev) } };
    }
  }
  // A part the multipart parser gave up on (a truncated body) may already be destroyed once
  // the checks above have awaited a slower database; nothing would ever flow from it.
  if (input.file.stream.destroyed)
    throw badRequest('malformed multipart body: the file part ended early');
  // Checked before any byte is stored, and again in the transaction that records the row
  // (under the user's quota lock there), so concurrent uploads cannot together overrun it.
  const room = await assertQuota(db, store.quota, actor.user.id, input.workspaceId, {
    files: 1,
    bytes: 0,
  });
  let row: UploadRow;
  try {
    row = await storeBlob(
      { blobs: store.blobs, maxBytes: Math.min(store.maxBytes, room) },
      {
        workspaceId: input.workspaceId,
        ownerId: actor.user.id,
        nonce,
        file: input.file,
        durationMs: input.durationMs,
        createdAt: nowIso(),
      },
    );
  } catch (err) {
    // Past the room left in the quota rather than past the size limit.
    if (room < store.maxBytes && err instanceof DomainError && err.code === 'payload_too_large')
      throw quotaExceeded();
    throw err;
  }
  try {
    await deps.store.write(async (tx) => {
      await tx.uploads.lockQuota(actor.user.id, input.workspaceId);
      await assertQuota(tx, store.quota, actor.user.id, input.workspaceId, {
        files: 1,
        bytes: row.byte_size,
      });
      await tx.uploads.insert(row);
    });
  } catch (err) {
    await store.blobs.delete(row.storage_path);
    throw err;
  }
  return { created: true, response: { upload: presentUpload(row) } };
}

/** The download path of an upload, as a workspace's `icon_url` names it. */
export const iconPath = (uploadId: string) => `/api/uploads/${uploadId}`;

/**
 * Who may fetch an upload: every member when it is their workspace's icon; else its owner
 * while nothing attaches it, and afterwards anyone who can read one of the live messages
 * that attach it. Everything else is a 404.
 */
export async function requireVisibleUpload(
  tx: Repos,
  actor: Actor,
  uploadId: string,
): Promise<UploadRow> {
  const upload = await tx.uploads.byId(uploadId);
  if (!upload) throw notFound('upload not found');
  if (actor.kind === 'bot' && actor.workspaceId !== upload.workspace_id)
    throw notFound('upload not found');
  const role = await tx.workspaces.role(upload.workspace_id, actor.user.id);
  if (!role) throw notFound('upload not found');
  // The workspace's icon is shown to every member, whoever uploaded it.
  if ((await tx.workspaces.byId(upload.workspace_id))?.icon_url === iconPath(upload.id))
    return upload;
  const messages = await tx.uploads.messagesWith(upload.id);
  if (messages.length === 0) {
    if (upload.owner_id !== actor.user.id) throw notFound('upload not found');
    return upload;
  }
  // Messages attach only uploads of their own workspace, so `role` holds for each of them.
  for (const m of messages) {
    if (m.channel_id) {
      const channel = await tx.channels.byId(m.channel_id);
      if (channel && (await roleMayReadChannel(tx, actor.user.id, role, channel))) return upload;
    } else if (
      m.direct_conversation_id &&
      (actor.kind === 'human' || actor.scopes.has('dms:read'))
    ) {
      if (await roleMayReadDm(tx, actor.user.id, role, m.direct_conversation_id)) return upload;
    }
  }
  throw notFound('upload not found');
}

export async function openUpload(
  deps: ServiceDeps,
  actor: Actor,
  uploadId: string,
  rangeHeader?: string,
): Promise<{
  upload: UploadRow;
  /** Absent when the requested range starts past the end (416). */
  stream?: Readable;
  size: number;
  /** The part sent (206), when a satisfiable `Range` was asked for. */
  range?: ByteRange | 'unsatisfiable';
  servedType: string;
  inline: boolean;
}> {
  assertScope(actor, 'messages:read');
  if (!deps.uploads) throw notFound('upload not found');
  const upload = await requireVisibleUpload(deps.store.read, actor, uploadId);
  // Authorised first: a range of a file you may not read is the same 404 as the file.
  const blobs = deps.uploads.blobs;
  const size = await blobs.size(upload.storage_path);
  const range = byteRange(rangeHeader, size);
  const stream =
    range === 'unsatisfiable' ? undefined : (await blobs.open(upload.storage_path, range)).stream;
  const base = upload.content_type.split(';')[0]?.trim().toLowerCase() ?? '';
  const servedType =
    INLINE.has(base) || base.startsWith('audio/') ? base : 'application/octet-stream';
  const inline = servedType !== 'application/octet-stream';
  return {
    upload,
    size,
    servedType,
    inline,
    ...(stream ? { stream } : {}),
    ...(range ? { range } : {}),
  };
}

export async function uploadByNonce(
  deps: ServiceDeps,
  actor: Actor,
  workspaceId: string,
  rawNonce: string,
): Promise<Upload> {
  await requireMember(deps.store.read, actor, workspaceId);
  const nonce = v.nonce(rawNonce);
  const row = nonce ? await deps.store.read.uploads.byNonce(actor.user.id, nonce) : undefined;
  if (!row || row.workspace_id !== workspaceId) {
    throw new DomainError('not_found', 'upload not found', {
      'X-ClickClack-Upload-Nonce': 'supported',
    });
  }
  return presentUpload(row);
}

/**
 * Links an upload the author may use to their message inside the caller's transaction;
 * returns it, or undefined when it was already linked.
 */
export async function linkUpload(
  tx: Repos,
  actor: Actor,
  messageWorkspace: string,
  messageId: string,
  uploadId: string,
): Promise<UploadRow | undefined> {
  const upload = await requireVisibleUpload(tx, actor, uploadId).catch(() => undefined);
  if (!upload) throw forbidden('upload is not visible to you');
  if (upload.workspace_id !== messageWorkspace) throw badRequest('upload is in another workspace');
  return (await tx.uploads.attach(messageId, upload.id, nowIso())) ? upload : undefined;
}

export async function attachUpload(
  deps: ServiceDeps,
  actor: Actor,
  messageId: string,
  uploadId: string,
): Promise<{ ok: true }> {
  assertScope(actor, 'uploads:write');
  assertScope(actor, 'messages:write');
  await deps.store.write(async (tx) => {
    const { message } = await requireReadableMessage(tx, actor, messageId);
    if (message.direct_conversation_id) assertScope(actor, 'dms:write');
    if (message.author_id !== actor.user.id)
      throw forbidden('message attachments can only be changed by the message author');
    await assertUnrestricted(tx, message.workspace_id, actor.user.id);
    if (message.deleted_at) throw badRequest('deleted messages cannot get attachments');
    if (!(await linkUpload(tx, actor, message.workspace_id, message.id, uploadId.trim())))
      return undefined;
    return tx.events.append({
      ...(await messageEventScope(tx, message)),
      type: 'message.updated',
      payload: messageRef(message),
    });
  });
  return { ok: true };
}

/** Deletes uploads nothing attaches once they are older than the grace period. */
export async function sweepOrphanUploads(deps: ServiceDeps, graceMs: number): Promise<number> {
  const before = new Date(Date.now() - graceMs).toISOString();
  return deleteOrphans(deps, await deps.store.read.uploads.orphans(before, 500));
}

/** Deletes those of these uploads, and their files, that no message attaches (any more). */
export async function deleteOrphans(
  deps: ServiceDeps,
  rows: readonly { id: string; storage_path: string }[],
): Promise<number> {
  if (!deps.uploads) return 0;
  let deleted = 0;
  for (const row of rows) {
    if (!(await deps.store.write((tx) => tx.uploads.deleteIfOrphan(row.id)))) continue;
    await deps.uploads.blobs.delete(row.storage_path);
    deleted++;
  }
  return deleted;
}

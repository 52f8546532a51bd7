import { Type, type Static } from 'typebox';
import { Upload } from '../entities/message.js';
import { OkResponse } from './ok-response.js';
import { ok, type Operation } from './operation.js';
import { MessageParams } from './params.js';

export const UploadQuery = Type.Object({
  workspace_id: Type.Optional(Type.String({ maxLength: 100 })),
  nonce: Type.Optional(Type.String({ maxLength: 512 })),
});
export type UploadQuery = Static<typeof UploadQuery>;

/** The multipart form of an upload: one `file` part; fields before it. */
export const UploadForm = Type.Object({
  file: Type.String({ format: 'binary', description: 'The bytes, with a filename' }),
  workspace_id: Type.Optional(
    Type.String({ maxLength: 100, description: 'When the query does not name it' }),
  ),
  duration_ms: Type.Optional(
    Type.String({ maxLength: 20, description: 'Length of a voice or video clip' }),
  ),
});

export const UploadParams = Type.Object({ upload_id: Type.String({ maxLength: 100 }) });
export type UploadParams = Static<typeof UploadParams>;

export const UploadResponse = Type.Object({ upload: Upload });
export type UploadResponse = Static<typeof UploadResponse>;

export const UploadByNonceQuery = Type.Object({
  workspace_id: Type.String({ maxLength: 100 }),
  nonce: Type.String({ maxLength: 512 }),
});
export type UploadByNonceQuery = Static<typeof UploadByNonceQuery>;

export const AttachBody = Type.Object({ upload_id: Type.String({ maxLength: 100 }) });
export type AttachBody = Static<typeof AttachBody>;

/** Files: upload (streamed multipart), download (ranges), find by nonce, attach to a message. */
export const UPLOADS_OPERATIONS = {
  createUpload: {
    method: 'POST',
    path: '/api/uploads',
    summary: 'Upload one file (201; 200 for a repeated nonce: the first upload)',
    auth: true,
    query: UploadQuery,
    rawBody: { 'multipart/form-data': UploadForm },
    responses: { 200: UploadResponse, 201: UploadResponse },
  },
  downloadUpload: {
    method: 'GET',
    path: '/api/uploads/:upload_id',
    summary: 'Download an upload you can see (one `Range` per request)',
    auth: true,
    params: UploadParams,
    responses: {},
    fileResponses: { 200: 'The file', 206: 'The requested byte range of the file' },
  },
  uploadByNonce: {
    method: 'GET',
    path: '/api/uploads/by-nonce',
    summary: "The caller's upload with this nonce",
    auth: true,
    query: UploadByNonceQuery,
    responses: ok(200, UploadResponse),
  },
  attachUpload: {
    method: 'POST',
    path: '/api/messages/:message_id/attachments',
    summary: 'Attach an upload to your message',
    auth: true,
    params: MessageParams,
    body: AttachBody,
    responses: ok(200, OkResponse),
  },
} satisfies Record<string, Operation>;

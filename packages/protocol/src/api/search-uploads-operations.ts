import { ok, type Operation } from './operation.js';
import { OkResponse } from './auth.js';
import { MessageParams } from './messages.js';
import * as S from './search.js';
import * as U from './uploads.js';

/** Search and uploads. */
export const SEARCH_UPLOAD_OPERATIONS = {
  search: {
    method: 'GET',
    path: '/api/search',
    summary: 'Full-text search over messages you can read',
    auth: true,
    query: S.SearchQuery,
    responses: ok(200, S.SearchResponse),
  },
  createUpload: {
    method: 'POST',
    path: '/api/uploads',
    summary: 'Upload one file (201; 200 for a repeated nonce: the first upload)',
    auth: true,
    query: U.UploadQuery,
    rawBody: { 'multipart/form-data': U.UploadForm },
    responses: { 200: U.UploadResponse, 201: U.UploadResponse },
  },
  downloadUpload: {
    method: 'GET',
    path: '/api/uploads/:upload_id',
    summary: 'Download an upload you can see (one `Range` per request)',
    auth: true,
    params: U.UploadParams,
    responses: {},
    fileResponses: { 200: 'The file', 206: 'The requested byte range of the file' },
  },
  uploadByNonce: {
    method: 'GET',
    path: '/api/uploads/by-nonce',
    summary: "The caller's upload with this nonce",
    auth: true,
    query: U.UploadByNonceQuery,
    responses: ok(200, U.UploadResponse),
  },
  attachUpload: {
    method: 'POST',
    path: '/api/messages/:message_id/attachments',
    summary: 'Attach an upload to your message',
    auth: true,
    params: MessageParams,
    body: U.AttachBody,
    responses: ok(200, OkResponse),
  },
} satisfies Record<string, Operation>;

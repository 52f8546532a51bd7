import { Type, type Static } from 'typebox';
import { Upload } from '../entities/message.js';

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

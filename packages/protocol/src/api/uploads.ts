import { Type, type Static } from 'typebox';
import { Upload } from '../entities/message.js';

export const UploadQuery = Type.Object({
  workspace_id: Type.Optional(Type.String({ maxLength: 100 })),
  nonce: Type.Optional(Type.String({ maxLength: 512 })),
});
export type UploadQuery = Static<typeof UploadQuery>;

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

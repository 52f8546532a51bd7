import type { Upload, UploadResponse } from '@clickclack/protocol';
import { isClickClackError } from '../errors.js';
import { type Http, op } from '../http.js';

export interface UploadInput {
  /** The bytes, as a web stream (a Blob's `.stream()`, or a file stream converted with `Readable.toWeb`). */
  stream: ReadableStream<Uint8Array>;
  filename: string;
  contentType?: string;
  /** Called with the number of bytes sent so far. */
  onProgress?: (sent: number) => void;
  nonce?: string;
}

const encoder = new TextEncoder();

/** One multipart body, streamed so large files never sit in memory and progress is observable. */
function multipart(input: UploadInput, boundary: string): ReadableStream<Uint8Array> {
  const safeName = input.filename.replace(/["\r\n\\]/g, '_');
  const head = encoder.encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${safeName}"\r\n` +
      `Content-Type: ${input.contentType ?? 'application/octet-stream'}\r\n\r\n`,
  );
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
  const reader = input.stream.getReader();
  let sent = 0;
  let stage: 'head' | 'body' | 'done' = 'head';
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (stage === 'head') {
        stage = 'body';
        controller.enqueue(head);
        return;
      }
      if (stage === 'done') return controller.close();
      const { value, done } = await reader.read();
      if (done) {
        stage = 'done';
        controller.enqueue(tail);
        return;
      }
      sent += value.byteLength;
      input.onProgress?.(sent);
      controller.enqueue(value);
    },
    cancel(reason) {
      void reader.cancel(reason);
    },
  });
}

export class UploadsResource {
  constructor(private readonly http: Http) {}

  /** Uploads a Blob or File under `filename` (the original SDK's form). */
  create(
    workspaceId: string,
    file: Blob,
    filename = 'upload.bin',
    options: { nonce?: string } = {},
  ): Promise<Upload> {
    return this.createFromStream(workspaceId, {
      stream: file.stream(),
      filename,
      contentType: file.type || undefined,
      nonce: options.nonce,
    });
  }

  /** Streams any byte source as one upload, reporting progress. */
  async createFromStream(workspaceId: string, input: UploadInput): Promise<Upload> {
    const boundary = `----clickclack${Math.random().toString(16).slice(2)}${Date.now().toString(16)}`;
    const res = await this.http.callRaw(op('createUpload'), {
      query: { workspace_id: workspaceId, nonce: input.nonce },
      rawBody: multipart(input, boundary),
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      duplex: true,
    });
    return ((await res.json()) as UploadResponse).upload;
  }

  /** The caller's upload with this nonce, or undefined (404 with the nonce-support header). */
  async findByNonce(workspaceId: string, nonce: string): Promise<Upload | undefined> {
    try {
      return (
        await this.http.call<UploadResponse>(op('uploadByNonce'), {
          query: { workspace_id: workspaceId, nonce },
        })
      ).upload;
    } catch (err) {
      if (
        isClickClackError(err, 404) &&
        err.headers.get('x-clickclack-upload-nonce') === 'supported'
      )
        return undefined;
      throw err;
    }
  }

  /** Attaches one of the caller's uploads to the caller's message. */
  async attach(messageId: string, uploadId: string): Promise<void> {
    await this.http.call(op('attachUpload', { message_id: messageId }), {
      body: { upload_id: uploadId },
    });
  }

  /** The raw download response (stream its body). */
  download(uploadId: string): Promise<Response> {
    return this.http.callRaw(op('downloadUpload', { upload_id: uploadId }));
  }
}

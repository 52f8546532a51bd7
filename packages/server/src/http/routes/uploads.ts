import { OPERATIONS } from '@clickclack/protocol';
import type { ServiceDeps } from '../../services/context.js';
import { badRequest } from '../../services/errors.js';
import {
  attachUpload,
  createUpload,
  openUpload,
  uploadByNonce,
} from '../../services/uploads/uploads.js';
import { caller, route, routeOutcome, type App } from '../route.js';

/** RFC 6266/5987 filename parameter that no header injection can break. */
function disposition(kind: 'inline' | 'attachment', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export function uploadRoutes(app: App, deps: ServiceDeps): void {
  route(app, OPERATIONS.uploadByNonce, async (req) => ({
    upload: await uploadByNonce(deps, caller(req), req.query.workspace_id, req.query.nonce),
  }));
  route(app, OPERATIONS.attachUpload, async (req) =>
    attachUpload(deps, caller(req), req.params.message_id, req.body.upload_id),
  );

  // Multipart in: the handler streams the file part (the body is the operation's rawBody).
  routeOutcome(app, OPERATIONS.createUpload, async (req) => {
    if (!req.isMultipart())
      throw badRequest('uploads must be multipart/form-data with one file part');
    const query = req.query;
    const fields: Record<string, string> = {};
    let result: Awaited<ReturnType<typeof createUpload>> | undefined;
    for await (const part of req.parts()) {
      if (part.type === 'field') {
        fields[part.fieldname] = String(part.value).slice(0, 1024);
        continue;
      }
      if (part.fieldname !== 'file') {
        part.file.resume();
        continue;
      }
      if (result) throw badRequest('only one file is supported');
      const workspaceId = (query.workspace_id ?? fields.workspace_id ?? '').trim();
      if (query.workspace_id && fields.workspace_id && query.workspace_id !== fields.workspace_id) {
        throw badRequest('workspace_id in the query and the form differ');
      }
      if (!workspaceId)
        throw badRequest('workspace_id is required (in the query, or as a field before the file)');
      result = await createUpload(deps, caller(req), {
        workspaceId,
        nonce: query.nonce,
        file: { stream: part.file, filename: part.filename, mimetype: part.mimetype },
        durationMs: Number(fields.duration_ms ?? 0),
      });
    }
    if (!result) throw badRequest('file is required');
    return result;
  });

  // Bytes out (the operation's fileResponses); errors are JSON as everywhere.
  route(app, OPERATIONS.downloadUpload, async (req, reply) => {
    const file = await openUpload(deps, caller(req), req.params.upload_id, req.headers.range);
    // Players seek audio and video with `Range`: one range per request is served (206).
    if (file.range === 'unsatisfiable')
      return reply
        .status(416)
        .header('content-range', `bytes */${file.size}`)
        .send({ error: 'requested range is not satisfiable', code: 'bad_request' });
    if (file.range)
      reply
        .status(206)
        .header('content-range', `bytes ${file.range.start}-${file.range.end}/${file.size}`);
    const length = file.range ? file.range.end - file.range.start + 1 : file.size;
    return reply
      .header('accept-ranges', 'bytes')
      .header('content-type', file.servedType)
      .header('content-length', String(length))
      .header(
        'content-disposition',
        disposition(file.inline ? 'inline' : 'attachment', file.upload.filename),
      )
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', 'sandbox')
      .header('cache-control', 'private, max-age=300')
      .send(file.stream);
  });
}

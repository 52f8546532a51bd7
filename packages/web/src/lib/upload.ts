import type { Upload } from '@clickclack/sdk';

/**
 * Uploads one file with progress. XHR rather than the SDK's streaming fetch: browsers only
 * stream request bodies over HTTP/2, and only XHR reports upload progress.
 */
export function uploadFile(
  workspaceId: string,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<Upload> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    form.append('file', file, file.name);
    const xhr = new XMLHttpRequest();
    const nonce = crypto.randomUUID();
    xhr.open(
      'POST',
      `/api/uploads?workspace_id=${encodeURIComponent(workspaceId)}&nonce=${encodeURIComponent(nonce)}`,
    );
    xhr.withCredentials = true;
    // Cookie-authenticated writes must carry the CSRF header cross-site forms cannot send.
    xhr.setRequestHeader('x-clickclack-csrf', '1');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onerror = () => reject(new Error('upload failed: network error'));
    xhr.onload = () => {
      let body: { upload?: Upload; error?: string };
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        body = {};
      }
      if (xhr.status >= 200 && xhr.status < 300 && body.upload) resolve(body.upload);
      else reject(new Error(body.error ?? `upload failed (${xhr.status})`));
    };
    xhr.send(form);
  });
}

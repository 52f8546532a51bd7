import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { FetchLike } from '@clickclack/sdk';

/**
 * The CLI's fetch, over node:http. Node 20's global fetch (and its Response and Headers)
 * load undici and compile its WASM parser on first use: about 25 ms, a sixth of a short
 * command's whole run (bench/cli.mjs). node:http is native and already loaded. It provides
 * the part of Response the SDK reads; streamed request bodies (uploads) still go through
 * the global fetch. Failures look like fetch's: `TypeError('fetch failed', { cause })`, and
 * a timeout rejects with the signal's TimeoutError.
 */
export const CLI_USER_AGENT = 'clickclack-cli';

export const nodeFetch: FetchLike = (input, init = {}) => {
  const body = init.body;
  if (body !== undefined && body !== null && typeof body !== 'string') {
    return globalThis.fetch(input, init);
  }
  const url = new URL(input);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const signal = init.signal ?? undefined;
  return new Promise<Response>((resolve, reject) => {
    const req = send(
      url,
      {
        method: init.method ?? 'GET',
        // Named, so the session list (`clickclack sessions list`) tells the CLI's apart.
        headers: { 'user-agent': CLI_USER_AGENT, ...(init.headers as Record<string, string>) },
        signal,
      },
      (res) => resolve(responseOf(res)),
    );
    req.on('error', (err) =>
      reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: err })),
    );
    req.end(body ?? undefined);
  });
};

function responseOf(res: IncomingMessage): Response {
  const status = res.statusCode ?? 0;
  const read = async (): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
  let stream: WebReadableStream | undefined;
  const headers = {
    get: (name: string): string | null => {
      const v = res.headers[name.toLowerCase()];
      return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
    },
  };
  const response = {
    ok: status >= 200 && status < 300,
    status,
    statusText: res.statusMessage ?? '',
    headers,
    get body() {
      stream ??= Readable.toWeb(res);
      return stream;
    },
    text: async () => (await read()).toString('utf8'),
    json: async () => JSON.parse((await read()).toString('utf8')) as unknown,
  };
  // Only these members are ever read by the SDK and the CLI; the rest of Response is absent.
  return response as unknown as Response;
}

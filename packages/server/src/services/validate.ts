import { badRequest } from './errors.js';

/** Input normalisation shared by several services. */

const HANDLE_RE = /^[a-z0-9][a-z0-9_-]{1,31}$/;

/** trim, lower-case, strip one leading '@'; '' means no handle. */
export function normalizeHandle(raw: string): string {
  let h = raw.trim().toLowerCase();
  if (h.startsWith('@')) h = h.slice(1);
  if (h !== '' && !HANDLE_RE.test(h)) {
    throw badRequest('handle must be 2-32 chars using letters, numbers, underscores, or dashes');
  }
  return h;
}

/** Lower-case, runs of anything outside [a-z0-9] become '-', trimmed of '-'. */
export function slugify(raw: string): string {
  return raw
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export function displayName(raw: string, field = 'display_name'): string {
  const v = raw.trim();
  if (v === '') throw badRequest(`${field} is required`);
  if (Buffer.byteLength(v) > 80) throw badRequest(`${field} is too long`);
  return v;
}

export function avatarUrl(raw: string): string {
  const v = raw.trim();
  if (v === '') return '';
  if (Buffer.byteLength(v) > 500) throw badRequest('avatar_url is too long');
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw badRequest('avatar_url must be an http or https URL');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.host === '') {
    throw badRequest('avatar_url must be an http or https URL');
  }
  return v;
}

/** A free-form JSON object, serialized; over `maxKiB` KiB of UTF-8 is refused. */
export function jsonObject(
  value: Record<string, unknown> | undefined,
  field: string,
  maxKiB: number,
): string {
  const json = JSON.stringify(value ?? {});
  if (Buffer.byteLength(json) > maxKiB * 1024)
    throw badRequest(`${field} is too large (max ${maxKiB} KiB)`);
  return json;
}

export function email(raw: string): string {
  const v = raw.trim().toLowerCase();
  if (v === '') throw badRequest('email is required');
  if (v.length > 320 || !/^[^\s@]+@[^\s@]+$/.test(v)) throw badRequest('email is invalid');
  return v;
}

export const MAX_BODY_CHARS = 40_000;

/** Trimmed message body; empty or over the cap is refused. */
export function messageBody(raw: string, emptyMessage: string): string {
  const v = raw.trim();
  if (v === '') throw badRequest(emptyMessage);
  if ([...v].length > MAX_BODY_CHARS) {
    throw badRequest(`message body is too long (max ${MAX_BODY_CHARS} characters)`);
  }
  return v;
}

/** Client idempotency key: ≤128 code points after trim, no NUL; '' means none. */
export function nonce(raw: string | undefined): string {
  const v = (raw ?? '').trim();
  if ([...v].length > 128) throw badRequest('nonce must be at most 128 characters');
  if (v.includes('\u0000')) throw badRequest('nonce must not contain NUL');
  return v;
}

/** A non-negative integer query parameter, or undefined when absent. */
export function seqParam(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d{1,15}$/.test(raw.trim())) {
    throw badRequest(`invalid message page request: ${name} must be a non-negative integer`);
  }
  return Number(raw.trim());
}

/** Page size: default 100; anything not an integer in 1..200 falls back to 100 (upstream). */
export function pageLimit(raw: string | undefined): number {
  if (raw === undefined || !/^\d+$/.test(raw.trim())) return 100;
  const n = Number(raw);
  return n >= 1 && n <= 200 ? n : 100;
}

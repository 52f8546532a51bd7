/**
 * What the audit log may repeat of an integration's settings. Callback URLs often carry a
 * key in their path or query, app configuration holds whatever the app was given, and
 * secrets are shown once at creation: the log keeps a URL's origin and nothing of the rest.
 */
const SECRET_KEYS = new Set([
  'callback_url',
  'config',
  'signing_secret',
  'secret',
  'token',
  'password',
]);

export const REDACTED = '[redacted]';

/** A URL reduced to its scheme and host, so an audit reader still sees where it points. */
export function urlOrigin(raw: string): string {
  try {
    const origin = new URL(raw).origin;
    return origin === 'null' ? REDACTED : `${origin}/${REDACTED}`;
  } catch {
    return REDACTED;
  }
}

export function redactMetadata(metadata: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (!SECRET_KEYS.has(key)) out[key] = value;
    else
      out[key] = key === 'callback_url' && typeof value === 'string' ? urlOrigin(value) : REDACTED;
  }
  return out;
}

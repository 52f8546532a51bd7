/**
 * An invite link (`/app/?invite=tok_…`) that was opened. It is kept in this browser until the
 * person is signed in (by whatever means: a magic link may come back in another tab, single
 * sign-on comes back through the provider) and the app has joined its workspace.
 */
const KEY = 'clickclack.invite';

/** Moves `?invite=` from the address bar into storage, so the link does not linger there. */
export function takeInviteFromUrl(): void {
  const params = new URLSearchParams(window.location.search);
  const token = params.get('invite');
  if (!token) return;
  localStorage.setItem(KEY, token);
  params.delete('invite');
  const rest = params.toString();
  history.replaceState(null, '', window.location.pathname + (rest ? `?${rest}` : ''));
}

export const pendingInvite = (): string => localStorage.getItem(KEY) ?? '';
export const dropInvite = (): void => localStorage.removeItem(KEY);

/** The link to show: the server's absolute URL, or its path on this origin. */
export const absoluteUrl = (url: string): string =>
  url.startsWith('/') ? window.location.origin + url : url;

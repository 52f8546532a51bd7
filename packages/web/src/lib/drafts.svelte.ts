import { SvelteMap } from 'svelte/reactivity';

const PREFIX = 'clickclack:draft:';

/**
 * Unsent composer text per conversation and per thread, kept in localStorage so switching
 * away or reloading loses nothing. Keys are `<user>:<conversation>` and
 * `<user>:<conversation>:t:<root>`, so two people sharing a browser keep their own.
 */
export const drafts = new SvelteMap<string, string>();

for (let i = 0; i < localStorage.length; i++) {
  const key = localStorage.key(i);
  if (key?.startsWith(PREFIX))
    drafts.set(key.slice(PREFIX.length), localStorage.getItem(key) ?? '');
}

export const draftKey = (userId: string, convId: string, rootId?: string): string =>
  rootId ? `${userId}:${convId}:t:${rootId}` : `${userId}:${convId}`;

export function saveDraft(key: string, text: string): void {
  if (drafts.get(key) === text || (!text.trim() && !drafts.has(key))) return;
  try {
    if (text.trim()) localStorage.setItem(PREFIX + key, text);
    else localStorage.removeItem(PREFIX + key);
  } catch {
    // A full or disabled storage still keeps the draft for this page's lifetime.
  }
  if (text.trim()) drafts.set(key, text);
  else drafts.delete(key);
}

/** True when the conversation or one of its threads has unsent text. */
export function hasDraft(userId: string, convId: string): boolean {
  const own = `${userId}:${convId}`;
  for (const key of drafts.keys()) if (key === own || key.startsWith(`${own}:t:`)) return true;
  return false;
}

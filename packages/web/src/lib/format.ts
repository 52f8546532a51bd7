import type { DirectConversation } from '@clickclack/sdk';

export const timeOf = (iso: string): string =>
  new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** "Today", "Yesterday", or a date: the separator between days in a conversation. */
export function dayLabel(iso: string): string {
  const d = new Date(iso);
  const today = new Date();
  const yesterday = new Date(today.getTime() - 86_400_000);
  if (d.toDateString() === today.toDateString()) return 'Today';
  if (d.toDateString() === yesterday.toDateString()) return 'Yesterday';
  return d.toLocaleDateString([], {
    weekday: 'long',
    month: 'long',
    day: 'numeric',
    year: 'numeric',
  });
}

export const sameDay = (a: string, b: string): boolean =>
  new Date(a).toDateString() === new Date(b).toDateString();

export const initials = (name: string | undefined): string =>
  (name || '?')
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => [...w][0])
    .join('')
    .slice(0, 2)
    .toUpperCase();

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A DM's name: the other members' display names (or yours, for a note to self). */
export function dmName(dm: Pick<DirectConversation, 'members'>, meId: string): string {
  const others = dm.members.filter((m) => m.id !== meId);
  return (others.length ? others : dm.members).map((m) => m.display_name).join(', ');
}

/**
 * Splits a search snippet into text runs, marking the highlighted ones. Offsets are in code
 * points, so the string is walked as code points, never as UTF-16 units.
 */
export function highlightRuns(
  snippet: string,
  highlights: { start: number; end: number }[],
): { text: string; hit: boolean }[] {
  const chars = [...snippet];
  const runs: { text: string; hit: boolean }[] = [];
  let at = 0;
  for (const h of [...highlights].sort((a, b) => a.start - b.start)) {
    if (h.start < at) continue;
    if (h.start > at) runs.push({ text: chars.slice(at, h.start).join(''), hit: false });
    runs.push({ text: chars.slice(h.start, h.end).join(''), hit: true });
    at = h.end;
  }
  if (at < chars.length) runs.push({ text: chars.slice(at).join(''), hit: false });
  return runs;
}

/** What to show for a failure: the server's message (ClickClackError), else the thrown text. */
export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

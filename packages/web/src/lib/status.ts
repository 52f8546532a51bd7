import type { User, UserStatus } from '@clickclack/sdk';

/** The status to show now: none when unset or past its expiry (the server hides it too). */
export function shownStatus(
  user: Pick<User, 'status'> | undefined,
  now: number,
): UserStatus | undefined {
  const s = user?.status;
  if (!s || (s.expires_at && Date.parse(s.expires_at) <= now)) return undefined;
  return s;
}

/** One line for a tooltip or a card: "🌴 On holiday". */
export const statusLine = (s: UserStatus): string => [s.emoji, s.text].filter(Boolean).join(' ');

export type ClearAfter = 'never' | '30m' | '1h' | '4h' | 'today' | 'week';

export const CLEAR_AFTER: { value: ClearAfter; label: string }[] = [
  { value: 'never', label: "Don't clear" },
  { value: '30m', label: '30 minutes' },
  { value: '1h', label: '1 hour' },
  { value: '4h', label: '4 hours' },
  { value: 'today', label: 'Today' },
  { value: 'week', label: 'This week' },
];

/** When a status set at `from` clears itself; "today" and "this week" end in local time. */
export function expiryFor(choice: ClearAfter, from: Date): string | undefined {
  const minutes = { '30m': 30, '1h': 60, '4h': 240 } as const;
  if (choice === 'never') return undefined;
  if (choice === '30m' || choice === '1h' || choice === '4h') {
    return new Date(from.getTime() + minutes[choice] * 60_000).toISOString();
  }
  const end = new Date(from);
  end.setHours(23, 59, 59, 0);
  // The week ends on Sunday night.
  if (choice === 'week') end.setDate(end.getDate() + ((7 - end.getDay()) % 7));
  return end.toISOString();
}

/** The status presets offered with one click, as in Slack. */
export const PRESETS: { emoji: string; text: string; clear: ClearAfter }[] = [
  { emoji: '📅', text: 'In a meeting', clear: '1h' },
  { emoji: '🚌', text: 'Commuting', clear: '30m' },
  { emoji: '🤒', text: 'Out sick', clear: 'today' },
  { emoji: '🌴', text: 'On holiday', clear: 'never' },
  { emoji: '🏡', text: 'Working remotely', clear: 'today' },
];

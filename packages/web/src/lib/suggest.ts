import type { Channel, SlashCommand, WorkspaceMember } from '@clickclack/sdk';
import { matchEmoji } from './emoji.ts';

export interface Suggestion {
  key: string;
  label: string;
  hint: string;
  /** What replaces the typed trigger (`@bo` → `@bob `). */
  insert: string;
}

export interface SuggestContext {
  members?: WorkspaceMember[];
  channels?: Channel[];
  commands?: SlashCommand[];
}

/** A composer's completion sources; its slash commands load on first use. */
export type ComposerSuggest = Omit<SuggestContext, 'commands'> & {
  loadCommands?: () => Promise<SlashCommand[]>;
};

const LIMIT = 8;

/**
 * What to offer for the text before the cursor: `@` people (and @channel, @here), `#`
 * channels, `:` emoji (two letters in), `/` commands (at the very start). Returns the
 * position the chosen item replaces from and the items, or null when nothing applies.
 * `members` are workspace members ({user}), `channels` channels, `commands` slash commands.
 */
export function suggestionsFor(
  upto: string,
  { members = [], channels = [], commands = [] }: SuggestContext,
): { from: number; items: Suggestion[] } | null {
  let m = /^\/([a-z0-9_-]*)$/i.exec(upto);
  if (m && commands.length) {
    const q = `/${(m[1] ?? '').toLowerCase()}`;
    const items = commands
      .filter((c) => c.command.startsWith(q))
      .slice(0, LIMIT)
      .map((c) => ({ key: c.id, label: c.command, hint: c.description, insert: `${c.command} ` }));
    return items.length ? { from: 0, items } : null;
  }
  m = /(^|\s)@([\w.-]*)$/.exec(upto);
  if (m) {
    const q = (m[2] ?? '').toLowerCase();
    const people = members
      .map((x) => x.user)
      .filter((u) => u.handle && !u.deleted_at)
      .filter(
        (u) =>
          u.handle.toLowerCase().startsWith(q) ||
          u.display_name
            .toLowerCase()
            .split(/\s+/)
            .some((w) => w.startsWith(q)),
      )
      .map((u) => ({
        key: u.id,
        label: `@${u.handle}`,
        hint: u.display_name,
        insert: `@${u.handle} `,
      }));
    const everyone = [
      {
        key: '@channel',
        label: '@channel',
        hint: 'Notify everyone in this channel',
        insert: '@channel ',
      },
      { key: '@here', label: '@here', hint: 'Notify everyone online here', insert: '@here ' },
    ].filter((x) => x.key.slice(1).startsWith(q));
    const items = [...people, ...everyone].slice(0, LIMIT);
    return items.length ? { from: upto.length - (m[2] ?? '').length - 1, items } : null;
  }
  m = /(^|\s)#([\w-]*)$/.exec(upto);
  if (m) {
    const q = (m[2] ?? '').toLowerCase();
    const items = channels
      .filter((c) => !c.archived_at && c.name.toLowerCase().includes(q))
      .sort((a, b) => Number(!a.name.startsWith(q)) - Number(!b.name.startsWith(q)))
      .slice(0, LIMIT)
      .map((c) => ({
        key: c.id,
        label: `#${c.name}`,
        hint: c.topic || c.purpose || '',
        insert: `#${c.name} `,
      }));
    return items.length ? { from: upto.length - (m[2] ?? '').length - 1, items } : null;
  }
  m = /(^|\s):([a-z0-9_+-]{2,})$/i.exec(upto);
  if (m) {
    const items = matchEmoji(m[2] ?? '', LIMIT).map((e) => ({
      key: e.name,
      label: `${e.emoji} :${e.name}:`,
      hint: '',
      insert: `${e.emoji} `,
    }));
    return items.length ? { from: upto.length - (m[2] ?? '').length - 1, items } : null;
  }
  return null;
}

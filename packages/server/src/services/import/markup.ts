import { nameToEmoji } from 'gemoji';

/**
 * An emoji name as Slack and Mattermost write it (`+1`, `tada`, `thumbsup::skin-tone-2`) in
 * Unicode when GitHub's gemoji table knows it, else `:name:` as the export had it.
 */
export function emojiFromName(raw: string): string {
  const name = raw.trim().replace(/^:|:$/g, '');
  const [base, tone] = name.split('::');
  const known = base !== undefined ? nameToEmoji[base] : undefined;
  if (!known) return `:${name}:`;
  const skin = tone ? SKIN_TONES[tone] : undefined;
  return skin ? `${known}${skin}` : known;
}

const SKIN_TONES: Record<string, string> = {
  'skin-tone-2': '\u{1F3FB}',
  'skin-tone-3': '\u{1F3FC}',
  'skin-tone-4': '\u{1F3FD}',
  'skin-tone-5': '\u{1F3FE}',
  'skin-tone-6': '\u{1F3FF}',
};

export interface SlackNames {
  /** `@handle` (or the display name) of a Slack user id; undefined when unknown. */
  user(id: string): string | undefined;
  /** A channel's name by its Slack id; undefined when unknown. */
  channel(id: string): string | undefined;
}

const decode = (s: string): string =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** One `<…>` of Slack's mrkdwn: a mention, a channel, a special mention or a link. */
function angle(inner: string, names: SlackNames): string {
  const bar = inner.indexOf('|');
  const target = bar < 0 ? inner : inner.slice(0, bar);
  const label = bar < 0 ? '' : decode(inner.slice(bar + 1));
  if (target.startsWith('@')) {
    const name = names.user(target.slice(1));
    return name ? `@${name}` : label ? `@${label.replace(/^@/, '')}` : `@${target.slice(1)}`;
  }
  if (target.startsWith('#')) {
    const name = names.channel(target.slice(1)) ?? label;
    return `#${name || target.slice(1)}`;
  }
  if (target.startsWith('!')) {
    const special = target.slice(1);
    if (special === 'here' || special === 'channel' || special === 'everyone') return `@${special}`;
    // <!subteam^S123|@team>, <!date^…|fallback>: the label is what Slack showed.
    return label || `@${special.split('^')[0]}`;
  }
  const url = decode(target);
  if (url.startsWith('mailto:')) return label || url.slice('mailto:'.length);
  return label && label !== url ? `[${label}](${url})` : `<${url}>`;
}

/** Bold, italic and strike of mrkdwn in Markdown, outside code. */
function emphasis(text: string): string {
  return text
    .replace(/(^|[\s(>])\*(?=\S)([^*\n]*?\S)\*(?=$|[\s).,;:!?<])/g, '$1**$2**')
    .replace(/(^|[\s(>])~(?=\S)([^~\n]*?\S)~(?=$|[\s).,;:!?<])/g, '$1~~$2~~');
}

/**
 * Slack's mrkdwn as our Markdown: `<@U…>` → `@handle`, `<#C…|name>` → `#name`, `<url|text>`
 * → `[text](url)`, entities decoded, `*bold*` → `**bold**`, `~strike~` → `~~strike~~`
 * (`_italic_` means the same in both). Code spans and ``` blocks are kept as they are,
 * entities aside (Slack escapes `<>&` there too).
 */
export function slackToMarkdown(text: string, names: SlackNames): string {
  const parts = text.split(/(```[\s\S]*?```|`[^`\n]*`)/g);
  return parts
    .map((part, i) => {
      if (i % 2 === 1) return decode(part);
      const linked = part.replace(
        /<([^<>\n]+)>/g,
        (_m, inner: string) => `\uE000${angle(inner, names)}\uE001`,
      );
      // Emphasis must not reach into a link or mention just built.
      return emphasis(linked)
        .split(/\uE000|\uE001/)
        .map((s, j) => (j % 2 === 0 ? decode(s) : s))
        .join('');
    })
    .join('');
}

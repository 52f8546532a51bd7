import DOMPurify from 'dompurify';
import { marked } from 'marked';
import { EMOJI } from './emoji.ts';

marked.setOptions({ gfm: true, breaks: true });

/** The open workspace's channels: `#name` of one of them becomes a link into the app. */
let channelLinks = { slug: '', names: new Set() };
export function setChannelLinks(slug, names) {
  channelLinks = { slug, names: new Set(names) };
}

// Inline extensions, so code spans and blocks keep `:eyes:` and `#general` as typed.
marked.use({
  extensions: [
    {
      name: 'emojiShortcode',
      level: 'inline',
      start: (src) => src.indexOf(':'),
      tokenizer(src) {
        const m = /^:([a-z0-9_+-]+):/.exec(src);
        if (m && Object.hasOwn(EMOJI, m[1]))
          return { type: 'emojiShortcode', raw: m[0], emoji: EMOJI[m[1]] };
        return undefined;
      },
      renderer: (token) => token.emoji,
    },
    {
      name: 'channelLink',
      level: 'inline',
      start: (src) => src.indexOf('#'),
      tokenizer(src) {
        const m = /^#([a-z0-9][a-z0-9_-]*)/i.exec(src);
        if (m && channelLinks.names.has(m[1]))
          return { type: 'channelLink', raw: m[0], name: m[1] };
        return undefined;
      },
      renderer: (token) =>
        `<a href="/app/${encodeURIComponent(channelLinks.slug)}/${encodeURIComponent(token.name)}">#${token.name}</a>`,
    },
  ],
});

// Links open in a new tab without handing the opener to the target; links into the app
// (channel links) stay in the tab, where the app routes them.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A' && node.getAttribute('href')?.startsWith('/app/')) {
    node.removeAttribute('target');
  } else if (node.tagName === 'A') {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});

/** Markdown → HTML that cannot run script: formatting tags only, no handlers, no javascript: URLs. */
export function renderMarkdown(text) {
  const html = marked.parse(text ?? '', { async: false });
  return DOMPurify.sanitize(html, {
    ALLOWED_TAGS: [
      'p',
      'br',
      'strong',
      'em',
      'del',
      'code',
      'pre',
      'blockquote',
      'ul',
      'ol',
      'li',
      'a',
      'h1',
      'h2',
      'h3',
      'h4',
      'hr',
      'table',
      'thead',
      'tbody',
      'tr',
      'th',
      'td',
      'img',
    ],
    ALLOWED_ATTR: ['href', 'title', 'src', 'alt'],
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|\/)/i,
  });
}

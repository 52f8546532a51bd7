import DOMPurify from 'dompurify';
import { marked, type Tokens } from 'marked';
import { EMOJI } from './emoji.ts';

marked.setOptions({ gfm: true, breaks: true });

/** The open workspace's channels: `#name` of one of them becomes a link into the app. */
let channelLinks = { slug: '', names: new Set<string>() };
export function setChannelLinks(slug: string, names: string[]): void {
  channelLinks = { slug, names: new Set(names) };
}

// Inline extensions, so code spans and blocks keep `:eyes:` and `#general` as typed.
marked.use({
  extensions: [
    {
      name: 'emojiShortcode',
      level: 'inline',
      start: (src: string) => src.indexOf(':'),
      tokenizer(src: string) {
        const m = /^:([a-z0-9_+-]+):/.exec(src);
        const emoji = m?.[1] !== undefined && Object.hasOwn(EMOJI, m[1]) ? EMOJI[m[1]] : undefined;
        if (m && emoji) return { type: 'emojiShortcode', raw: m[0], emoji };
        return undefined;
      },
      renderer: (token: Tokens.Generic) => String(token.emoji),
    },
    {
      name: 'channelLink',
      level: 'inline',
      start: (src: string) => src.indexOf('#'),
      tokenizer(src: string) {
        const m = /^#([a-z0-9][a-z0-9_-]*)/i.exec(src);
        if (m?.[1] !== undefined && channelLinks.names.has(m[1]))
          return { type: 'channelLink', raw: m[0], name: m[1] };
        return undefined;
      },
      renderer: (token: Tokens.Generic) =>
        `<a href="/app/${encodeURIComponent(channelLinks.slug)}/${encodeURIComponent(String(token.name))}">#${String(token.name)}</a>`,
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

/**
 * Whether images from other origins are shown inline. Off (the default) they are links: a
 * remote image would tell its host the IP address of everyone who reads the message. The
 * operator turns it on with `serve --remote-images`; uploads (our own origin) always show.
 */
let remoteImages = false;

/** Reads the server's web-app settings once, before the app starts. */
export async function loadMarkdownSettings(): Promise<void> {
  try {
    const res = await fetch('/app/config.json', { cache: 'no-store' });
    if (res.ok)
      remoteImages = ((await res.json()) as { remote_images?: unknown }).remote_images === true;
  } catch {
    // Unreachable server: keep the safe default.
  }
}

/** An `<img>` whose source is another origin becomes a link to it, labelled by its alt text. */
function linkRemoteImages(fragment: DocumentFragment): void {
  for (const img of fragment.querySelectorAll('img')) {
    const src = img.getAttribute('src') ?? '';
    let url: URL;
    try {
      url = new URL(src, location.href);
    } catch {
      img.remove();
      continue;
    }
    if (url.origin === location.origin) continue;
    const a = document.createElement('a');
    a.setAttribute('href', url.href);
    a.setAttribute('target', '_blank');
    a.setAttribute('rel', 'noopener noreferrer');
    a.className = 'remote-image';
    a.textContent = `🖼 ${img.getAttribute('alt') || url.href}`;
    img.replaceWith(a);
  }
}

/** Markdown → HTML that cannot run script: formatting tags only, no handlers, no javascript: URLs. */
export function renderMarkdown(text: string | undefined): string {
  const html = marked.parse(text ?? '', { async: false });
  const fragment = DOMPurify.sanitize(html, {
    RETURN_DOM_FRAGMENT: true,
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
  if (!remoteImages) linkRemoteImages(fragment);
  const box = document.createElement('div');
  box.append(fragment);
  return box.innerHTML;
}

/**
 * Client-side routes under /app:
 *   /app/<workspace>/<channel>                 a channel
 *   /app/<workspace>/<channel>/m/<message>     a channel scrolled to one message
 *   /app/<workspace>/<channel>/t/<root>        a channel with a thread open
 *   /app/<workspace>/dm/<conversation>         a direct conversation (same /m and /t forms)
 * Every segment is URI-encoded, so names with slashes or spaces survive.
 */
export interface Route {
  workspace?: string;
  channel?: string;
  dm?: string;
  message?: string;
  thread?: string;
}

export function parseRoute(pathname: string): Route {
  const parts = pathname
    .replace(/^\/app\/?/, '')
    .split('/')
    .filter(Boolean)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  const route: Route = { workspace: parts[0] };
  let rest = parts.slice(1);
  if (rest[0] === 'dm') {
    route.dm = rest[1];
    rest = rest.slice(2);
  } else {
    route.channel = rest[0];
    rest = rest.slice(1);
  }
  if (rest[0] === 'm') route.message = rest[1];
  if (rest[0] === 't') route.thread = rest[1];
  return route;
}

/** The path for a conversation (and optionally a message or thread inside it). */
export function routePath(
  workspaceSlug: string,
  conv: { kind: string; id: string; name?: string },
  extra: { message?: string; thread?: string } = {},
): string {
  const e = encodeURIComponent;
  let path = `/app/${e(workspaceSlug)}/`;
  path += conv.kind === 'dm' ? `dm/${e(conv.id)}` : e(conv.name ?? conv.id);
  if (extra.message) path += `/m/${e(extra.message)}`;
  else if (extra.thread) path += `/t/${e(extra.thread)}`;
  return path;
}

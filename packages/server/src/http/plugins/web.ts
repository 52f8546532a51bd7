import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** The built web app (packages/web/dist), found relative to this package in src and dist. */
export const WEB_DIST = fileURLToPath(new URL('../../../../web/dist/', import.meta.url));

/** No inline script, no foreign script; images may come from anywhere (avatars, links). */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' https: data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'";

/** What the operator decided for the web app (`serve --remote-images`, dev bootstrap). */
export interface WebAppOptions {
  /** Show Markdown images from other origins inline; off: they are links (no fetch). */
  remoteImages: boolean;
  /** Development: source maps, if the build made any, are served. */
  development: boolean;
}

/** Serves the single-page app at /app (client-side routes fall back to index.html). */
export async function registerWebApp(
  app: FastifyInstance,
  opts: WebAppOptions,
  dist = WEB_DIST,
): Promise<void> {
  app.get('/', { config: { auth: false } }, async (_req, reply) => reply.redirect('/app/'));
  // Read by the app before it starts; settings, never secrets.
  app.get('/app/config.json', { config: { auth: false } }, async (_req, reply) =>
    reply.header('cache-control', 'no-store').send({ remote_images: opts.remoteImages }),
  );
  if (!existsSync(`${dist}index.html`)) {
    app.get('/app/*', { config: { auth: false } }, async (_req, reply) =>
      reply.status(503).type('text/plain').send('The web app is not built: run `npm run build`.'),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root: dist,
    prefix: '/app/',
    index: ['index.html'],
    wildcard: false,
    // A production build has no maps; one built for development is not published either.
    allowedPath: (path) => opts.development || !path.endsWith('.map'),
    setHeaders: (res) => {
      res.setHeader('content-security-policy', CSP);
      res.setHeader('x-content-type-options', 'nosniff');
    },
  });
  // Deep links (/app/<workspace>/<channel>) are routes of the app, not files; a missing
  // build file (a stale hash, a source map) is missing, not the app.
  app.get('/app/*', { config: { auth: false } }, async (req, reply) =>
    req.url.startsWith('/app/assets/')
      ? reply.status(404).type('text/plain').send('not found')
      : reply.header('content-security-policy', CSP).type('text/html').sendFile('index.html', dist),
  );
  app.get('/app', { config: { auth: false } }, async (_req, reply) => reply.redirect('/app/'));
}

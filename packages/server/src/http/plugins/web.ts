import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** The built web app (packages/web/dist), found relative to this package in src and dist. */
export const WEB_DIST = fileURLToPath(new URL('../../../../web/dist/', import.meta.url));

/** No inline script, no foreign script; images may come from anywhere (avatars, links). */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' https: data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'";

/** Serves the single-page app at /app (client-side routes fall back to index.html). */
export async function registerWebApp(app: FastifyInstance, dist = WEB_DIST): Promise<void> {
  app.get('/', { config: { auth: false } }, async (_req, reply) => reply.redirect('/app/'));
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
    setHeaders: (res) => {
      res.setHeader('content-security-policy', CSP);
      res.setHeader('x-content-type-options', 'nosniff');
    },
  });
  // Deep links (/app/<workspace>/<channel>) are routes of the app, not files.
  app.get('/app/*', { config: { auth: false } }, async (_req, reply) =>
    reply.header('content-security-policy', CSP).type('text/html').sendFile('index.html', dist),
  );
  app.get('/app', { config: { auth: false } }, async (_req, reply) => reply.redirect('/app/'));
}

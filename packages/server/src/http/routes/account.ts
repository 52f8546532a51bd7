import { OPERATIONS } from '@clickclack/protocol';
import type { FastifyReply } from 'fastify';
import * as email from '../../services/account/email-notifications.js';
import { setMyStatus } from '../../services/account/status.js';
import * as users from '../../services/account/users.js';
import type { ServiceDeps } from '../../services/context.js';
import { DomainError } from '../../services/errors.js';
import { caller, route, type App } from '../route.js';

const page = (reply: FastifyReply, status: number, title: string, body: string) =>
  reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .send(
      `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
        `<title>${title}</title></head><body style="font-family:system-ui;max-width:32rem;margin:3rem auto">` +
        `<h1>${title}</h1>${body}</body></html>`,
    );

const INVALID = 'This unsubscribe link is not valid.';

export function accountRoutes(app: App, deps: ServiceDeps): void {
  route(app, OPERATIONS.getMe, async (req) => ({ user: await users.getMe(deps, caller(req)) }));
  route(app, OPERATIONS.updateMe, async (req) => ({
    user: await users.updateMe(deps, caller(req), req.body),
  }));
  route(app, OPERATIONS.setMyStatus, async (req) => ({
    user: await setMyStatus(deps, caller(req), req.body),
  }));

  route(app, OPERATIONS.getEmailNotifications, async (req) => ({
    email_notifications: await email.getEmailNotifications(deps, caller(req)),
  }));
  route(app, OPERATIONS.updateEmailNotifications, async (req) => ({
    email_notifications: await email.updateEmailNotifications(deps, caller(req), req.body),
  }));

  // The link in every notification email, opened without signing in. GET only asks (mail
  // scanners follow links); the button, or a mail client's one-click POST (RFC 8058), acts.
  app.get<{ Querystring: { token?: string } }>(
    '/unsubscribe',
    { config: { auth: false } },
    async (req, reply) => {
      const token = String(req.query.token ?? '');
      if (!(await email.validUnsubscribeToken(deps, token)))
        return page(reply, 400, 'Unsubscribe', `<p>${INVALID}</p>`);
      return page(
        reply,
        200,
        'Unsubscribe',
        `<p>Stop email about mentions, direct messages and replies you have not read?</p>` +
          `<form method="post" action="/unsubscribe?token=${encodeURIComponent(token)}">` +
          `<button type="submit">Stop these emails</button></form>`,
      );
    },
  );
  app.post<{ Querystring: { token?: string } }>(
    '/unsubscribe',
    { config: { auth: false } },
    async (req, reply) => {
      try {
        await email.unsubscribeByToken(deps, String(req.query.token ?? ''));
      } catch (err) {
        if (err instanceof DomainError) return page(reply, 400, 'Unsubscribe', `<p>${INVALID}</p>`);
        throw err;
      }
      return page(
        reply,
        200,
        'Unsubscribed',
        '<p>You will get no more of these emails. You can turn them on again in ClickClack.</p>',
      );
    },
  );
}

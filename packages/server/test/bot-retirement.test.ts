// Retiring a bot that no workspace holds any more (`DELETE /api/bots/{id}` after every
// workspace removed it): a user-owned bot's owner still may; a service bot falls to the
// managers of a workspace it had tokens in; anybody else learns nothing (404).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, startTestServer, team, type TestServer, type SignedIn } from './helpers.js';

let srv: TestServer;
let owner: SignedIn, member: SignedIn, moderator: SignedIn;
let wid: string;

before(async () => {
  srv = await startTestServer();
  const t = await team(srv, [
    ['retire-member@x.io', 'Member'],
    ['retire-mod@x.io', 'Moderator'],
  ]);
  ({ owner, workspaceId: wid } = t);
  [member, moderator] = t.members as [SignedIn, SignedIn];
  const role = await api(srv, 'PATCH', `/api/workspaces/${wid}/members/${moderator.userId}`, {
    token: owner.token,
    body: { role: 'moderator' },
  });
  assert.equal(role.status, 200, JSON.stringify(role.body));
});
after(() => srv.close());

async function orphanBot(by: SignedIn, body: Record<string, unknown>) {
  const made = await api<{ bot: { id: string }; bot_token: { token: string } }>(
    srv,
    'POST',
    `/api/workspaces/${wid}/bots`,
    { token: by.token, body },
  );
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const removed = await api(
    srv,
    'DELETE',
    `/api/workspaces/${wid}/bots/${made.body.bot.id}/membership`,
    { token: owner.token },
  );
  assert.equal(removed.status, 204);
  return { id: made.body.bot.id, token: made.body.bot_token.token };
}

const retire = (botId: string, by: string) =>
  api<{ deleted_bot: { id: string; former_handle: string; deleted_at: string } }>(
    srv,
    'DELETE',
    `/api/bots/${botId}`,
    { token: by },
  );

test("a user-owned bot removed from its only workspace is still its owner's to retire", async () => {
  const bot = await orphanBot(member, {
    display_name: 'Stranded',
    handle: 'stranded',
    owner_user_id: member.userId,
  });
  // Not the owner: the workspace owner who removed it, its own (revoked) token.
  assert.equal((await retire(bot.id, owner.token)).status, 404);
  assert.equal((await retire(bot.id, bot.token)).status, 401);
  const res = await retire(bot.id, member.token);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.deleted_bot.id, bot.id);
  assert.equal(res.body.deleted_bot.former_handle, 'stranded');
  // Retired once: the handle is free, a second retirement finds nothing.
  assert.equal((await retire(bot.id, member.token)).status, 404);
  const again = await api(srv, 'POST', `/api/workspaces/${wid}/bots`, {
    token: owner.token,
    body: { display_name: 'Heir', handle: 'stranded' },
  });
  assert.equal(again.status, 201);
  const audit = await api<{ audit_log_entries: { action: string; target_id: string }[] }>(
    srv,
    'GET',
    `/api/workspaces/${wid}/audit-log`,
    { token: owner.token },
  );
  assert.ok(
    audit.body.audit_log_entries.some((e) => e.action === 'bot.deleted' && e.target_id === bot.id),
  );
});

test('a service bot in no workspace is retired by a manager of a workspace it was in', async () => {
  const bot = await orphanBot(owner, { display_name: 'Old service', handle: 'old-service' });
  assert.equal((await retire(bot.id, member.token)).status, 404);
  const res = await retire(bot.id, moderator.token);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.deleted_bot.former_handle, 'old-service');

  const other = await orphanBot(owner, { display_name: 'Other service' });
  assert.equal((await retire(other.id, owner.token)).status, 200);
});

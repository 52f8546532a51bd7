import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { OPERATIONS } from '@clickclack/protocol';
import { api, startTestServer, type TestServer } from './helpers.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(() => srv.close());

test('GET /api/openapi.json serves the committed OpenAPI 3.1 contract', async () => {
  const res = await api<{
    openapi: string;
    paths: Record<string, Record<string, { operationId: string }>>;
  }>(srv, 'GET', '/api/openapi.json');
  assert.equal(res.status, 200);
  assert.equal(res.body.openapi, '3.1.0');
  const snapshot: unknown = JSON.parse(
    readFileSync(new URL('../../protocol/openapi.snapshot.json', import.meta.url), 'utf8'),
  );
  assert.deepEqual(res.body, snapshot);
  for (const [id, op] of Object.entries(OPERATIONS)) {
    const path = op.path.replace(/:([a-z_]+)/g, '{$1}');
    assert.equal(res.body.paths[path]?.[op.method.toLowerCase()]?.operationId, id);
  }
});

test('uploads and incoming-webhook URLs are in the document, their bodies described by media type', async () => {
  type Content = Record<
    string,
    { schema: { type?: string; format?: string; properties?: object } }
  >;
  type Doc = {
    paths: Record<
      string,
      Record<
        string,
        { requestBody?: { content: Content }; responses: Record<string, { content?: Content }> }
      >
    >;
  };
  const { body: doc } = await api<Doc>(srv, 'GET', '/api/openapi.json');
  const upload = doc.paths['/api/uploads']?.post;
  const form = upload?.requestBody?.content['multipart/form-data']?.schema;
  assert.deepEqual(form?.properties && Object.keys(form.properties).sort(), [
    'duration_ms',
    'file',
    'workspace_id',
  ]);
  assert.deepEqual(Object.keys(upload?.responses ?? {}).sort(), ['200', '201', 'default']);
  const download = doc.paths['/api/uploads/{upload_id}']?.get;
  for (const status of ['200', '206']) {
    assert.deepEqual(download?.responses[status]?.content?.['*/*']?.schema, {
      type: 'string',
      format: 'binary',
    });
  }
  const hook = doc.paths['/hooks/{key}']?.post;
  assert.deepEqual(Object.keys(hook?.requestBody?.content ?? {}).sort(), [
    'application/json',
    'application/x-www-form-urlencoded',
  ]);
  assert.ok(hook?.responses['201']?.content?.['application/json']);
});

test('every route outside the public allow-list refuses anonymous callers', async () => {
  const publicOps = Object.entries(OPERATIONS)
    .filter(([, op]) => !op.auth)
    .map(([id]) => id)
    .sort();
  // Spec §3.9, plus authMethods: a login page asks it before anyone is signed in, and
  // claimBotSetupCode: the setup code is the agent's only credential (spec §2.6); the
  // upstream GitHub sign-in routes are public there too and here only ever answer 501;
  // an invite link's preview and sign-up (the link is the credential, rate limited) and
  // single sign-on's redirects (issue 28).
  assert.deepEqual(publicOps, [
    'authMethods',
    'claimBotSetupCode',
    'consumeDesktopGitHubOAuth',
    'finishGitHubOAuth',
    'healthz',
    'inviteSignup',
    'logout',
    'magicConsume',
    'magicRequest',
    'oidcCallback',
    'oidcStart',
    'passwordLogin',
    'postToIncomingWebhook',
    'previewInvite',
    'readyz',
    'startDesktopGitHubOAuth',
    'startGitHubOAuth',
  ]);
  for (const op of Object.values(OPERATIONS).filter((o) => o.auth)) {
    const path = op.path.replace(/:([a-z_]+)/g, 'x_1');
    const res = await api(srv, op.method, path, op.method === 'GET' ? {} : { body: {} });
    assert.equal(res.status, 401, `${op.method} ${op.path}`);
  }
});

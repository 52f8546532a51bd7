import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listenTarget, resolveDbUrl, resolveServerConfig } from '../src/config/resolve.js';

const file = (content: unknown): string => {
  const p = join(mkdtempSync(join(tmpdir(), 'cc-conf-')), 'config.json');
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
};

test('defaults', () => {
  const c = resolveServerConfig({}, {});
  assert.equal(c.addr, ':8080');
  assert.equal(c.data, './data');
  assert.equal(c.db, 'sqlite://data/clickclack.db');
  assert.equal(c.devBootstrap, false);
  assert.equal(c.replayLimit, 5000);
});

test('flags > env > config file > defaults', () => {
  const cfg = file({ addr: ':7000', data: '/srv/file', dev_bootstrap: false, environment: 'file' });
  const fromFile = resolveServerConfig({ config: cfg }, {});
  assert.equal(fromFile.addr, ':7000');
  assert.equal(fromFile.data, '/srv/file');
  assert.equal(fromFile.db, 'sqlite:///srv/file/clickclack.db');
  const env = {
    CLICKCLACK_ADDR: ':7100',
    CLICKCLACK_ENVIRONMENT: 'env',
    CLICKCLACK_DB: 'sqlite:///tmp/x.db',
  };
  const fromEnv = resolveServerConfig({ config: cfg }, env);
  assert.equal(fromEnv.addr, ':7100');
  assert.equal(fromEnv.environment, 'env');
  assert.equal(fromEnv.db, 'sqlite:///tmp/x.db');
  assert.equal(fromEnv.data, '/srv/file');
  const fromFlags = resolveServerConfig(
    { config: cfg, addr: '127.0.0.1:7200', devBootstrap: 'true' },
    env,
  );
  assert.equal(fromFlags.addr, '127.0.0.1:7200');
  assert.equal(fromFlags.devBootstrap, true);
  // Empty env values do not override.
  assert.equal(resolveServerConfig({ config: cfg }, { CLICKCLACK_ADDR: '' }).addr, ':7000');
});

test('pg_pool_max: flag > CLICKCLACK_PG_POOL_MAX > config file > 10; nonsense is refused', () => {
  assert.equal(resolveServerConfig({}, {}).pgPoolMax, 10);
  const cfg = file({ pg_pool_max: 30 });
  assert.equal(resolveServerConfig({ config: cfg }, {}).pgPoolMax, 30);
  assert.equal(
    resolveServerConfig({ config: cfg }, { CLICKCLACK_PG_POOL_MAX: '20' }).pgPoolMax,
    20,
  );
  assert.equal(
    resolveServerConfig({ config: cfg, pgPoolMax: '4' }, { CLICKCLACK_PG_POOL_MAX: '20' })
      .pgPoolMax,
    4,
  );
  for (const bad of ['1', '0', 'x', '2.5'])
    assert.throws(() => resolveServerConfig({ pgPoolMax: bad }, {}), /pg pool max/);
});

test('dev_bootstrap in the file takes the env var out of play', () => {
  const withKey = file({ dev_bootstrap: false });
  assert.equal(
    resolveServerConfig({ config: withKey }, { CLICKCLACK_DEV_BOOTSTRAP: 'true' }).devBootstrap,
    false,
  );
  assert.equal(
    resolveServerConfig({ config: withKey }, { CLICKCLACK_DEV_BOOTSTRAP: 'garbage' }).devBootstrap,
    false,
  );
  assert.equal(resolveServerConfig({}, { CLICKCLACK_DEV_BOOTSTRAP: '1' }).devBootstrap, true);
  assert.throws(
    () => resolveServerConfig({}, { CLICKCLACK_DEV_BOOTSTRAP: 'yes please' }),
    /invalid boolean/,
  );
});

test('password_auth: flag > CLICKCLACK_PASSWORD_AUTH > config file > off', () => {
  assert.equal(resolveServerConfig({}, {}).passwordAuth, false);
  const on = file({ password_auth: true });
  assert.equal(resolveServerConfig({ config: on }, {}).passwordAuth, true);
  assert.equal(
    resolveServerConfig({ config: on }, { CLICKCLACK_PASSWORD_AUTH: 'false' }).passwordAuth,
    false,
  );
  assert.equal(resolveServerConfig({}, { CLICKCLACK_PASSWORD_AUTH: '1' }).passwordAuth, true);
  assert.equal(
    resolveServerConfig({ passwordAuth: 'false' }, { CLICKCLACK_PASSWORD_AUTH: 'true' })
      .passwordAuth,
    false,
  );
  assert.throws(
    () => resolveServerConfig({}, { CLICKCLACK_PASSWORD_AUTH: 'sure' }),
    /CLICKCLACK_PASSWORD_AUTH/,
  );
});

test('bad config files and addresses are clear errors', () => {
  assert.throws(
    () => resolveServerConfig({ config: '/nonexistent/clickclack.json' }, {}),
    /read config/,
  );
  assert.throws(() => resolveServerConfig({ config: file('{not json') }, {}), /parse config/);
  assert.throws(() => resolveServerConfig({ config: file('[1]') }, {}), /parse config/);
  assert.throws(() => listenTarget('nonsense'), /invalid listen address/);
  assert.deepEqual(listenTarget(':8080'), { host: '::', port: 8080 });
  assert.deepEqual(listenTarget('127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
  assert.deepEqual(listenTarget('[::1]:9000'), { host: '::1', port: 9000 });
});

test('ops commands read only --data/--db and their env vars', () => {
  assert.deepEqual(resolveDbUrl({}, {}), { data: './data', db: 'sqlite://data/clickclack.db' });
  assert.deepEqual(resolveDbUrl({}, { CLICKCLACK_DATA: '/var/cc' }), {
    data: '/var/cc',
    db: 'sqlite:///var/cc/clickclack.db',
  });
  assert.equal(
    resolveDbUrl({ db: 'sqlite:///x.db' }, { CLICKCLACK_DB: 'sqlite:///y.db' }).db,
    'sqlite:///x.db',
  );
});

test('email: smtp_url, mail_from and email_notify_delay from flag, env or file', () => {
  const none = resolveServerConfig({}, {});
  assert.equal(none.smtpUrl, '');
  assert.equal(none.mailFrom, 'ClickClack <noreply@localhost>');
  assert.equal(none.emailNotifyDelayMs, 600_000);
  const cfg = file({ smtp_url: 'smtps://u:p@mail.example.com:465', email_notify_delay: '2m' });
  const fromFile = resolveServerConfig({ config: cfg, publicUrl: 'https://chat.example.com' }, {});
  assert.equal(fromFile.smtpUrl, 'smtps://u:p@mail.example.com:465');
  assert.equal(fromFile.mailFrom, 'ClickClack <noreply@chat.example.com>');
  assert.equal(fromFile.emailNotifyDelayMs, 120_000);
  const env = { CLICKCLACK_SMTP_URL: 'smtp://mail.internal:25', CLICKCLACK_MAIL_FROM: 'a@b.c' };
  const fromEnv = resolveServerConfig({ config: cfg, emailNotifyDelay: '1500ms' }, env);
  assert.equal(fromEnv.smtpUrl, 'smtp://mail.internal:25');
  assert.equal(fromEnv.mailFrom, 'a@b.c');
  assert.equal(fromEnv.emailNotifyDelayMs, 1500);
  assert.equal(resolveServerConfig({ emailNotifyDelay: '30' }, {}).emailNotifyDelayMs, 30_000);
  assert.throws(
    () => resolveServerConfig({ smtpUrl: 'http://mail' }, {}),
    /smtp:\/\/ or smtps:\/\//,
  );
  assert.throws(() => resolveServerConfig({ smtpUrl: 'not a url' }, {}), /invalid SMTP URL/);
  assert.throws(() => resolveServerConfig({ emailNotifyDelay: 'soon' }, {}), /invalid duration/);
});

test('metrics and access-log settings: flags, env and config file', () => {
  const cfg = file({ metrics_enabled: true, metrics_addr: '127.0.0.1:9464', access_log: true });
  const fromFile = resolveServerConfig({ config: cfg }, {});
  assert.equal(fromFile.metricsEnabled, true);
  assert.equal(fromFile.metricsAddr, '127.0.0.1:9464');
  assert.equal(fromFile.metricsToken, '');
  assert.equal(fromFile.accessLog, 'stdout');
  const env = {
    CLICKCLACK_ACCESS_LOG: '/var/log/cc.log',
    CLICKCLACK_METRICS_TOKEN: 't'.repeat(16),
  };
  const fromEnv = resolveServerConfig({ config: cfg }, env);
  assert.equal(fromEnv.accessLog, '/var/log/cc.log');
  assert.equal(fromEnv.metricsToken, 't'.repeat(16));
  assert.equal(resolveServerConfig({ config: cfg, accessLog: 'false' }, env).accessLog, '');
  assert.equal(resolveServerConfig({}, {}).accessLog, '');
  assert.throws(
    () => resolveServerConfig({ metricsEnabled: 'true' }, {}),
    /metrics_enabled needs metrics_token \(bearer\) or metrics_addr/,
  );
  assert.throws(
    () => resolveServerConfig({ metricsEnabled: 'true', metricsAddr: 'nope' }, {}),
    /invalid listen address "nope"/,
  );
});

test('abuse limits: --rate-limits, sockets per user, upload quota, shutdown grace', () => {
  const d = resolveServerConfig({}, {});
  assert.deepEqual(d.writeLimits.messages, { max: 600, windowMs: 60_000 });
  assert.deepEqual(d.writeLimits.workspaces, { max: 10, windowMs: 3_600_000 });
  assert.equal(d.socketsPerUser, 32);
  assert.deepEqual(d.uploadQuota, { files: 64, bytes: 512 * 1024 * 1024 });
  assert.equal(d.shutdownGraceMs, 10_000);
  const c = resolveServerConfig(
    { rateLimits: 'messages=1200/1m, uploads=off', wsConnectionsPerUser: '8' },
    { CLICKCLACK_RATE_LIMITS: 'reactions=1/1s', CLICKCLACK_UPLOAD_QUOTA_FILES: '5' },
  );
  assert.deepEqual(c.writeLimits.messages, { max: 1200, windowMs: 60_000 });
  assert.equal(c.writeLimits.uploads, null);
  // The flag wins over the environment as a whole; names it leaves out keep the defaults.
  assert.deepEqual(c.writeLimits.reactions, { max: 600, windowMs: 60_000 });
  assert.equal(c.socketsPerUser, 8);
  assert.equal(c.uploadQuota.files, 5);
  const off = resolveServerConfig({ rateLimits: 'off' }, {});
  assert.ok(Object.values(off.writeLimits).every((l) => l === null));
  assert.throws(() => resolveServerConfig({ rateLimits: 'messages=10' }, {}), /invalid rate limit/);
  assert.throws(() => resolveServerConfig({ rateLimits: 'posts=1/1m' }, {}), /invalid rate limit/);
  assert.throws(() => resolveServerConfig({ wsConnectionsPerUser: '0' }, {}), /positive integer/);
});

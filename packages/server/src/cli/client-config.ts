import {
  chmodSync,
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CliError } from './log.js';

/** What `login` stores for later commands; only used against the same server URL. */
export interface StoredConfig {
  server?: string;
  token?: string;
  workspace?: string;
  channel?: string;
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg !== undefined && xdg !== '') {
    if (!isAbsolute(xdg)) throw new CliError('XDG_CONFIG_HOME must be an absolute path');
    return join(xdg, 'clickclack', 'config.json');
  }
  return join(env.HOME || homedir(), '.config', 'clickclack', 'config.json');
}

/** A missing or unreadable config is no config. */
export function loadConfig(path = configPath()): StoredConfig | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const c = parsed as Record<string, unknown>;
    const str = (k: string) =>
      typeof c[k] === 'string' && c[k] !== '' ? (c[k] as string) : undefined;
    return {
      server: str('server'),
      token: str('token'),
      workspace: str('workspace'),
      channel: str('channel'),
    };
  } catch {
    return undefined;
  }
}

/** Writes atomically (temp file, fsync, rename) with mode 0600 in a 0700 directory. */
export function saveConfig(config: StoredConfig, path = configPath()): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ordered: StoredConfig = {};
  for (const key of ['server', 'token', 'workspace', 'channel'] as const) {
    if (config[key]) ordered[key] = config[key];
  }
  let mode = 0o600;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new CliError(`client config target "${path}" is not a regular file`);
    mode = st.mode & 0o777;
  } catch (err) {
    if (err instanceof CliError) throw err;
  }
  const tmp = join(dir, `.config.json.tmp-${randomBytes(6).toString('hex')}`);
  try {
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(ordered, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(tmp, mode);
    renameSync(tmp, path);
  } finally {
    rmSync(tmp, { force: true });
  }
}

export function deleteConfig(path = configPath()): void {
  rmSync(path, { force: true });
}

/** Same scheme, host:port (case-insensitive) and path, ignoring a trailing '/'. */
export function sameServer(a: string | undefined, b: string | undefined): boolean {
  const x = (a ?? '').trim().replace(/\/+$/, '');
  const y = (b ?? '').trim().replace(/\/+$/, '');
  if (x === '' || y === '') return false;
  try {
    const u = new URL(x);
    const v = new URL(y);
    return (
      u.protocol.toLowerCase() === v.protocol.toLowerCase() &&
      u.host.toLowerCase() === v.host.toLowerCase() &&
      u.pathname.replace(/\/+$/, '') === v.pathname.replace(/\/+$/, '')
    );
  } catch {
    return x === y;
  }
}

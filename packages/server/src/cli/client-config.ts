import { randomBytes } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  fchmodSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { CliError } from './log.js';

/** What `login` stores for later commands; only used against the same server URL. */
export interface StoredConfig {
  server?: string;
  token?: string;
  workspace?: string;
  channel?: string;
}

const KEYS = ['server', 'token', 'workspace', 'channel'] as const;

/**
 * `<config dir>/clickclack/config.json`. `$XDG_CONFIG_HOME` wins everywhere (tests and
 * sandboxes rely on it); otherwise the OS's user config directory, as the reference
 * client used: `~/Library/Application Support` on macOS, `%AppData%` on Windows,
 * `~/.config` elsewhere.
 */
export function configPath(env: NodeJS.ProcessEnv = process.env, os = process.platform): string {
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg !== undefined && xdg !== '') {
    if (!isAbsolute(xdg)) throw new CliError('XDG_CONFIG_HOME must be an absolute path');
    return join(xdg, 'clickclack', 'config.json');
  }
  const home = env.HOME || homedir();
  const dir =
    os === 'darwin'
      ? join(home, 'Library', 'Application Support')
      : os === 'win32' && env.AppData
        ? env.AppData
        : join(home, '.config');
  return join(dir, 'clickclack', 'config.json');
}

/** A missing, unreadable or malformed config is simply no config. */
export function loadConfig(path?: string): StoredConfig | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path ?? configPath(), 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    const c = parsed as Record<string, unknown>;
    const out: StoredConfig = {};
    for (const key of KEYS) {
      const v = c[key];
      if (typeof v === 'string' && v !== '') out[key] = v;
    }
    return out;
  } catch {
    return undefined;
  }
}

/** JSON with the keys in their documented order, empty ones left out. */
export function formatConfig(config: StoredConfig): string {
  const ordered: StoredConfig = {};
  for (const key of KEYS) if (config[key]) ordered[key] = config[key];
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/**
 * The file to replace: a symlinked config is followed (the link itself stays), so
 * dotfile managers that link the config keep working.
 */
function writeTarget(path: string): { target: string; mode: number } {
  let isLink: boolean;
  try {
    isLink = lstatSync(path).isSymbolicLink();
  } catch {
    return { target: path, mode: 0o600 };
  }
  let target = path;
  if (isLink) {
    try {
      target = realpathSync(path);
    } catch (err) {
      throw new CliError(`client config symlink "${path}" is dangling: ${(err as Error).message}`);
    }
  }
  const st = statSync(target);
  if (!st.isFile()) throw new CliError(`client config target "${target}" is not a regular file`);
  try {
    if ((st.mode & 0o222) === 0) throw new Error('no write bit');
    accessSync(target, constants.W_OK);
  } catch {
    throw new CliError(`client config target "${target}" is not writable: permission denied`);
  }
  return { target, mode: st.mode & 0o777 };
}

/**
 * Checks now that the config can be written (so `login` fails before it spends a
 * single-use magic link), and returns the writer. Writes are atomic (temp file in the
 * same directory, fsync, rename) so a crash never leaves half a token behind. New files
 * get 0600 in a 0700 directory; an existing file keeps its mode.
 */
export function configWriter(path = configPath()): (config: StoredConfig) => void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeTarget(path);
  return (config) => {
    const { target, mode } = writeTarget(path);
    const tmp = join(dirname(target), `.config.json.tmp-${randomBytes(6).toString('hex')}`);
    try {
      const fd = openSync(tmp, 'wx', 0o600);
      try {
        writeSync(fd, formatConfig(config));
        // The umask may have narrowed the open() mode; set it exactly.
        fchmodSync(fd, mode);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, target);
    } finally {
      rmSync(tmp, { force: true });
    }
  };
}

export function deleteConfig(path = configPath()): void {
  rmSync(path, { force: true });
}

/** scheme://host[:port]/path, with the host and port exactly as typed (no defaults). */
function splitUrl(u: string): { scheme: string; host: string; path: string } | undefined {
  const m = /^([a-z][a-z0-9+.-]*):\/\/(?:[^@/?#]*@)?([^/?#]+)([^?#]*)/i.exec(u);
  if (!m) return undefined;
  return {
    scheme: m[1]!.toLowerCase(),
    host: m[2]!.toLowerCase(),
    path: m[3]!.replace(/\/+$/, ''),
  };
}

/**
 * Whether a stored credential belongs to this server: same scheme, host:port (ignoring
 * case) and path, ignoring a trailing '/'. `localhost` vs `127.0.0.1`, or an explicit
 * default port, are different servers on purpose: a token is never sent somewhere the
 * user did not log in to.
 */
export function sameServer(a: string | undefined, b: string | undefined): boolean {
  const x = (a ?? '').trim().replace(/\/+$/, '');
  const y = (b ?? '').trim().replace(/\/+$/, '');
  if (x === '' || y === '') return false;
  const u = splitUrl(x);
  const v = splitUrl(y);
  if (!u || !v) return x === y;
  return u.scheme === v.scheme && u.host === v.host && u.path === v.path;
}

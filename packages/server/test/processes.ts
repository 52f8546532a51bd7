// The built `clickclack` binary as a subprocess: CLI runs and `serve` processes, shared by
// the server's process-level tests and the end-to-end tests in test/e2e.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../bin/clickclack.js', import.meta.url));

export interface CliResult {
  code: number;
  /** The signal that ended it (a kill), or null. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * The parent environment minus any CLICKCLACK_* settings of the developer running the
 * tests, so a local CLICKCLACK_TOKEN or CLICKCLACK_SERVER can never leak into a test.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CLICKCLACK_')) env[k] = v;
  return { ...env, ...extra };
}

/** A fresh, empty config home: the CLI never reads or writes the real ~/.config. */
export function configHome(): { XDG_CONFIG_HOME: string } {
  return { XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'cc-cfg-')) };
}

/**
 * Runs the built `clickclack` binary as a subprocess. Unless `env` names an
 * XDG_CONFIG_HOME, each run gets its own empty one.
 */
export function runCli(
  args: string[],
  opts: { env?: Record<string, string>; input?: string; cwd?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: cleanEnv({ ...configHome(), ...opts.env }),
      cwd: opts.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

/** Like runCli but fails loudly unless the command succeeded; returns trimmed stdout. */
export async function cliOk(
  args: string[],
  opts: Parameters<typeof runCli>[1] = {},
): Promise<string> {
  const r = await runCli(args, opts);
  if (r.code !== 0) throw new Error(`clickclack ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout.trim();
}

export interface RunningServer {
  url: string;
  dataDir: string;
  child: ChildProcess;
  /** Everything it wrote to stderr so far (its log). */
  log(): string;
  /** Not yet exited. */
  alive(): boolean;
  /** SIGTERM and wait (graceful). */
  stop(): Promise<void>;
  /** SIGKILL and wait: a crash. */
  kill(): Promise<void>;
  /** Stops and removes the data directory. */
  cleanup(): Promise<void>;
}

/** Starts `clickclack serve` on a loopback port and waits for its listening line. */
export async function startServer(
  opts: {
    devBootstrap?: boolean;
    dataDir?: string;
    env?: Record<string, string>;
    args?: string[];
  } = {},
): Promise<RunningServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'cc-e2e-'));
  const child = spawn(
    process.execPath,
    [
      BIN,
      'serve',
      '--addr',
      '127.0.0.1:0',
      '--data',
      dataDir,
      ...(opts.devBootstrap ? ['--dev-bootstrap=true'] : []),
      ...(opts.args ?? []),
    ],
    { env: cleanEnv(opts.env), stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${log}`)), 60000);
    child.stderr!.on('data', (c: Buffer) => {
      log += c.toString();
      const m = /ClickClack listening on (http:\/\/\S+)/.exec(log);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited ${code}: ${log}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const signal = async (sig: NodeJS.Signals) => {
    if (alive()) child.kill(sig);
    await exited;
  };
  return {
    url,
    dataDir,
    child,
    log: () => log,
    alive,
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    async cleanup() {
      await signal('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

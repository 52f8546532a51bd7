import type { Command } from 'commander';
import { CliError } from '../log.js';

/** Long flag names of a command tree, split into value-taking and boolean ones. */
function flagKinds(root: Command): { values: Set<string>; bools: Set<string> } {
  const values = new Set<string>();
  const bools = new Set<string>();
  const walk = (cmd: Command) => {
    for (const opt of cmd.options) {
      const name = opt.long?.replace(/^--/, '');
      if (!name) continue;
      if (opt.required || opt.optional) values.add(name);
      else bools.add(name);
    }
    cmd.commands.forEach(walk);
  };
  walk(root);
  return { values, bools };
}

/** Go's strconv.ParseBool, which the reference client's flags used. */
function parseBool(flag: string, raw: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(raw)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(raw)) return false;
  throw new CliError(`invalid boolean value "${raw}" for --${flag}`, 2);
}

interface Token {
  text: string;
  /** The boolean flag this token switches, so a later `--flag=false` can take it back. */
  flag?: string;
}

/**
 * Rewrites the client's argv into what commander understands, keeping the reference
 * client's flag syntax working:
 * - `--json=true|false` (any Go boolean spelling) for every boolean flag; the last
 *   occurrence wins, and `--latest=false` / `--store=false` become `--no-…` where
 *   that form exists;
 * - `--user-id` is the same variable as `--user` (last one wins);
 * - `--flag value` becomes `--flag=value`, so the value is never parsed as a flag.
 * Values of value-taking flags and everything after `--` pass through untouched.
 */
export function normalizeArgs(program: Command, args: readonly string[]): string[] {
  const { values, bools } = flagKinds(program);
  const out: Token[] = [];
  const setBool = (name: string, on: boolean) => {
    let base = name;
    if (name.startsWith('no-') && !bools.has(name.slice(3))) {
      // A negation-only flag such as --no-input: its own boolean.
      out.splice(0, out.length, ...out.filter((t) => t.flag !== name));
      if (on) out.push({ text: `--${name}`, flag: name });
      return;
    }
    if (name.startsWith('no-')) {
      base = name.slice(3);
      on = !on;
    }
    const kept = out.filter((t) => t.flag !== base && t.flag !== `no-${base}`);
    out.splice(0, out.length, ...kept);
    if (on) out.push({ text: `--${base}`, flag: base });
    else if (bools.has(`no-${base}`)) out.push({ text: `--no-${base}`, flag: `no-${base}` });
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      out.push(...args.slice(i).map((text) => ({ text })));
      break;
    }
    const m = /^--([^=]+)(?:=([\s\S]*))?$/.exec(arg);
    if (!m) {
      out.push({ text: arg });
      continue;
    }
    const name = m[1] === 'user-id' ? 'user' : m[1]!;
    const value = m[2];
    if (values.has(name)) {
      // One token, so a value that looks like a flag (`--body --json`) stays a value
      // instead of being taken by the root command's own flags.
      if (value !== undefined) out.push({ text: `--${name}=${value}` });
      else if (i + 1 < args.length) out.push({ text: `--${name}=${args[++i]!}` });
      else out.push({ text: `--${name}` });
    } else if (bools.has(name)) {
      setBool(name, value === undefined ? true : parseBool(name, value));
    } else out.push({ text: arg });
  }
  return out.map((t) => t.text);
}

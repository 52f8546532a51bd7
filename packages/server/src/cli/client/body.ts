import { readFileSync } from 'node:fs';
import { CliError } from '../log.js';

export interface BodyFlags {
  body?: string;
  file?: string;
  stdin?: boolean;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Message text from --body, --file, --stdin or the positional words, in that order. */
export async function resolveBody(flags: BodyFlags, words: readonly string[]): Promise<string> {
  if (flags.body !== undefined && flags.body.trim() !== '') return flags.body;
  if (flags.file) {
    try {
      return readFileSync(flags.file, 'utf8');
    } catch (err) {
      throw new CliError(`read ${flags.file}: ${(err as Error).message}`);
    }
  }
  if (flags.stdin) return readStdin();
  if (words.length > 0) return words.join(' ');
  throw new CliError('message body is required');
}

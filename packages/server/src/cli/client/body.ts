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

/**
 * Message text from --body (if not blank), --file, --stdin or the positional words, in
 * that order. Text is sent untrimmed; a blank result fails here, before any request,
 * since the server would refuse it anyway.
 */
export async function resolveBody(flags: BodyFlags, words: readonly string[]): Promise<string> {
  let body: string;
  if (flags.body !== undefined && flags.body.trim() !== '') body = flags.body;
  else if (flags.file) {
    try {
      body = readFileSync(flags.file, 'utf8');
    } catch (err) {
      throw new CliError(`read ${flags.file}: ${(err as Error).message}`);
    }
  } else if (flags.stdin) body = await readStdin();
  else body = words.join(' ');
  if (body.trim() === '') throw new CliError('message body is required');
  return body;
}

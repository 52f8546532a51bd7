import { createReadStream, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { Readable } from 'node:stream';
import type { Command } from 'commander';
import { CliError } from '../log.js';
import { emit } from '../output.js';
import { resolveChannel, resolveContext, resolveWorkspace, type GlobalFlags } from './context.js';

const TEXT = new Set(['.txt', '.md', '.log', '.csv', '.json']);
const MiB = 1024 * 1024;

/** A one-line progress bar on stderr, only when a person is watching. */
function progress(total: number): ((sent: number) => void) | undefined {
  if (!process.stderr.isTTY || total < 1 * MiB) return undefined;
  let last = -1;
  return (sent) => {
    const pct = Math.floor((sent / total) * 100);
    if (pct === last) return;
    last = pct;
    const bar = '#'.repeat(Math.floor(pct / 4)).padEnd(25, '.');
    process.stderr.write(
      `\r[${bar}] ${String(pct).padStart(3)}% ${(sent / MiB).toFixed(1)}/${(total / MiB).toFixed(1)} MiB`,
    );
    if (sent >= total) process.stderr.write('\n');
  };
}

export function registerUploadCommand(program: Command): void {
  program
    .command('upload')
    .description('upload a file; with --channel post it, with --message attach it to your message')
    .argument('<file>')
    .option('--message <message-id>', 'attach to this message of yours')
    .option('--body <text>', 'text of the message posted with --channel')
    .action(async (file: string, opts: { message?: string; body?: string }, cmd: Command) => {
      const flags = cmd.optsWithGlobals<GlobalFlags>();
      const ctx = resolveContext(flags);
      let size: number;
      try {
        const st = statSync(file);
        if (!st.isFile()) throw new Error('not a regular file');
        size = st.size;
      } catch (err) {
        throw new CliError(`read ${file}: ${(err as Error).message}`);
      }
      const target = flags.channel
        ? await resolveChannel(ctx)
        : { workspace: await resolveWorkspace(ctx), channel: undefined };
      const upload = await ctx.client.uploads.createFromStream(target.workspace.id, {
        stream: Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>,
        filename: basename(file),
        contentType: TEXT.has(extname(file).toLowerCase())
          ? 'text/plain'
          : 'application/octet-stream',
        onProgress: progress(size),
      });
      let messageId: string | undefined;
      if (opts.message) {
        await ctx.client.uploads.attach(opts.message, upload.id);
        messageId = opts.message;
      } else if (target.channel) {
        const sent = await ctx.client.channels.sendMessage(target.channel.id, {
          body: opts.body ?? upload.filename,
          upload_id: upload.id,
        });
        messageId = sent.id;
      }
      emit(ctx.mode, {
        json: { upload, ...(messageId ? { message_id: messageId } : {}) },
        plain: upload.id,
        human: `uploaded ${upload.id} (${upload.filename}, ${upload.byte_size} bytes)${messageId ? ` to ${messageId}` : ''}`,
      });
    });
}

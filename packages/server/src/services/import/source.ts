import { createReadStream, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';

/** An export's files, from a directory or a zip, by `/`-separated path. */
export interface ExportSource {
  /** Every file, in name order. */
  readonly files: readonly string[];
  size(path: string): number;
  open(path: string): Promise<Readable>;
  readText(path: string): Promise<string>;
  close(): Promise<void>;
}

export class ImportInputError extends Error {}

async function collect(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function directorySource(root: string): ExportSource {
  const files: string[] = [];
  const sizes = new Map<string, number>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isFile()) {
        const rel = relative(root, full).split(sep).join('/');
        files.push(rel);
        sizes.set(rel, statSync(full).size);
      }
    }
  };
  walk(root);
  files.sort();
  return {
    files,
    size: (p) => sizes.get(p) ?? 0,
    open: async (p) => createReadStream(join(root, ...p.split('/'))),
    readText: (p) => readFile(join(root, ...p.split('/')), 'utf8'),
    close: async () => undefined,
  };
}

async function zipSource(path: string): Promise<ExportSource> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: false }, (err, z) =>
      err || !z
        ? reject(new ImportInputError(`${path}: not a readable zip (${err?.message})`))
        : resolve(z),
    ),
  );
  const entries = new Map<string, yauzl.Entry>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (e: yauzl.Entry) => {
      if (!e.fileName.endsWith('/')) entries.set(e.fileName, e);
      zip.readEntry();
    });
    zip.on('end', () => resolve());
    zip.on('error', (err: Error) => reject(new ImportInputError(`${path}: ${err.message}`)));
    zip.readEntry();
  });
  const open = (p: string) =>
    new Promise<Readable>((resolve, reject) => {
      const e = entries.get(p);
      if (!e) return reject(new ImportInputError(`${p} is not in the zip`));
      zip.openReadStream(e, (err, s) => (err || !s ? reject(err) : resolve(s)));
    });
  return {
    files: [...entries.keys()].sort(),
    size: (p) => entries.get(p)?.uncompressedSize ?? 0,
    open,
    readText: async (p) => collect(await open(p)),
    close: async () => zip.close(),
  };
}

/** A `.zip` file, a directory, or (Mattermost) a single `.jsonl` file. */
export async function openExport(path: string): Promise<ExportSource> {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new ImportInputError(`${path} does not exist`);
  }
  if (st.isDirectory()) return directorySource(path);
  if (/\.zip$/i.test(path)) return zipSource(path);
  const name = path.split(/[\\/]/).pop()!;
  return {
    files: [name],
    size: () => st.size,
    open: async () => createReadStream(path),
    readText: () => readFile(path, 'utf8'),
    close: async () => undefined,
  };
}

/** The folder holding `marker` (an export zipped with its top folder has one level more). */
export function exportRoot(source: ExportSource, marker: string): string | undefined {
  const hit = source.files
    .filter((f) => f === marker || f.endsWith(`/${marker}`))
    .sort((a, b) => a.length - b.length)[0];
  return hit === undefined ? undefined : hit.slice(0, hit.length - marker.length);
}

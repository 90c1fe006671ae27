/**
 * The default ledger sink: one JSON object per line, appended to a file, rotated by size
 * (`ledger.jsonl` → `ledger.jsonl.1` → … up to `keep` old files).
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { aggregateUsage } from './aggregate.js';
import type { LedgerRecord, LedgerSink } from './types.js';

export interface JsonlSinkOptions {
  path: string;
  /** Rotate once the file would grow past this. Default 100 MiB. */
  rotateBytes?: number;
  /** Rotated files kept. Default 5. */
  keep?: number;
}

export function createJsonlSink(options: JsonlSinkOptions): LedgerSink {
  const rotateBytes = options.rotateBytes ?? 100 * 1024 * 1024;
  const keep = options.keep ?? 5;
  let handle: FileHandle | undefined;
  let size = 0;

  async function ensureOpen(): Promise<FileHandle> {
    if (handle) return handle;
    await mkdir(dirname(options.path), { recursive: true });
    handle = await open(options.path, 'a');
    size = (await handle.stat()).size;
    return handle;
  }

  async function rotate(): Promise<void> {
    await handle?.close();
    handle = undefined;
    await rm(`${options.path}.${keep}`, { force: true });
    for (let i = keep - 1; i >= 1; i--)
      await renameIfExists(`${options.path}.${i}`, `${options.path}.${i + 1}`);
    await renameIfExists(options.path, `${options.path}.1`);
  }

  return {
    name: `jsonl:${options.path}`,
    async write(records) {
      const text = records.map((record) => `${JSON.stringify(record)}\n`).join('');
      const bytes = Buffer.byteLength(text);
      await ensureOpen();
      if (size > 0 && size + bytes > rotateBytes) await rotate();
      const file = await ensureOpen();
      await file.appendFile(text);
      size += bytes;
    },
    async usage(query) {
      const files = [options.path, ...Array.from({ length: keep }, (_, i) => `${options.path}.${i + 1}`)];
      const records: LedgerRecord[] = [];
      for (const file of files) {
        if (!(await exists(file))) continue;
        const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
        for await (const line of lines) {
          if (line.trim() === '') continue;
          try {
            records.push(JSON.parse(line) as LedgerRecord);
          } catch {
            // A torn last line after a crash: skip it.
          }
        }
      }
      return aggregateUsage(records, query);
    },
    async close() {
      await handle?.close();
      handle = undefined;
    },
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function renameIfExists(from: string, to: string): Promise<void> {
  if (await exists(from)) await rename(from, to);
}

/**
 * A file system that fills up, for recorder and runner tests: the node fs, except that once
 * `full()` says so, writes that need new space fail with ENOSPC as a real full disk fails them
 * (a new file is created, or an old one truncated, before the write fails). Rewriting a file in
 * place within the pages it already holds still works, as it does on a full disk.
 */
import * as fs from 'node:fs';
import { nodeRunFileSystem, type RunFileSystem } from '../../../src/models/engine/recorder';

const PAGE = 4096;

export function enospc(): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error('ENOSPC: no space left on device, write');
  e.code = 'ENOSPC';
  return e;
}

function pages(bytes: number): number {
  return Math.ceil(bytes / PAGE);
}

function sizeOf(file: string): number | undefined {
  try {
    return fs.statSync(file).size;
  } catch {
    return undefined;
  }
}

export function fullDiskFs(full: () => boolean): RunFileSystem {
  return {
    ...nodeRunFileSystem,
    writeFile(file, data, options) {
      const size = sizeOf(file);
      const exists = size !== undefined;
      if (full() && !(exists && options?.exclusive) && (!exists || pages(Buffer.byteLength(data)) > pages(size))) {
        fs.writeFileSync(file, ''); // created, or truncated, before the write fails
        throw enospc();
      }
      nodeRunFileSystem.writeFile(file, data, options);
    },
    rewrite(file, data) {
      const size = sizeOf(file) ?? 0;
      if (full() && pages(Buffer.byteLength(data)) > pages(size)) throw enospc();
      nodeRunFileSystem.rewrite(file, data);
    },
    appendFile(file, data) {
      const size = sizeOf(file) ?? 0;
      if (full() && pages(size + Buffer.byteLength(data)) > pages(size)) throw enospc();
      nodeRunFileSystem.appendFile(file, data);
    },
    async writeFileAsync(file, data) {
      if (full()) {
        fs.writeFileSync(file, '');
        throw enospc();
      }
      await nodeRunFileSystem.writeFileAsync(file, data);
    },
  };
}

/** Every `*.tmp` file under `dir`. */
export function tmpFilesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.tmp'));
}

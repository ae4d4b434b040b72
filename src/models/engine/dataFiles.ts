/**
 * Data files that demos read at run time (generated at build time under `media/data/`).
 * Training code must not touch Node's fs (it also runs in tests and could run in a browser), so it
 * asks for bytes through this reader, which the worker, the CLI and the tests install.
 */
export type DataReader = (relativePath: string) => Promise<Uint8Array>;

let reader: DataReader | undefined;

/** Installs the reader; paths are relative to the extension (or repository) root, e.g. `media/data/x.bin`. */
export function setDataReader(next: DataReader | undefined): void {
  reader = next;
}

/** Reads a data file, with a clear error when none is installed or the file was never generated. */
export async function readDataFile(relativePath: string): Promise<Uint8Array> {
  if (!reader) throw new Error(`no data reader installed to read ${relativePath}`);
  try {
    return await reader(relativePath);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`could not read ${relativePath} (run \`npm run data\` to generate it): ${detail}`, {
      cause: error,
    });
  }
}

/** A reader over Node's fs rooted at `root`; the worker and CLI pass the extension root. */
export function fsDataReader(root: string): DataReader {
  return async (relativePath) => {
    if (relativePath.includes('..')) throw new Error(`refusing to read outside the data folder: ${relativePath}`);
    const [{ readFile }, path] = await Promise.all([import('node:fs/promises'), import('node:path')]);
    return new Uint8Array(await readFile(path.join(root, relativePath)));
  };
}

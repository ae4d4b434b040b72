/** Installs the data reader for tests: data files are read from the repository root. */
import * as path from 'node:path';
import { fsDataReader, setDataReader } from '../../src/models/engine/dataFiles';

export function useRepositoryData(): void {
  setDataReader(fsDataReader(path.resolve(__dirname, '..', '..')));
}

/**
 * The `paper-lab` command from the sources, reading data files from the repository root (as
 * dist/cli.js reads them beside the bundle): `node --import tsx test/helpers/cli.ts run fedopt …`.
 */
import { main } from '../../src/cli/commands';
import { useRepositoryData } from './data';

useRepositoryData();
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // A WebGPU device keeps threads alive: leave once the output is flushed.
    setTimeout(() => process.exit(code), 500).unref();
  },
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);

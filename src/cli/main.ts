/**
 * Entry point of dist/cli.js (loaded by bin/paper-lab.js): runs the command line and sets the exit status.
 */
import * as path from 'node:path';
import { fsDataReader, setDataReader } from '../models/engine/dataFiles';
import { main } from './commands';

// dist/cli.js: the package root is one folder up.
setDataReader(fsDataReader(path.join(__dirname, '..')));

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Native backends can keep handles open; leave shortly after the output is flushed.
    setTimeout(() => process.exit(code), 1000).unref();
  },
  (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  },
);

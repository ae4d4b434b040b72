/**
 * Entry point of the extension-host test suite (bundled to out/e2e-suite.js). VS Code loads it
 * with `extensionTestsPath` and calls `run()` inside the extension host; the test modules are
 * bundled in and register their tests when Mocha's globals are in place.
 */
import { createRequire } from 'node:module';
import type Mocha from 'mocha';
import { defineExtensionTests } from './extension.test';

// Mocha's CommonJS build, resolved at run time from the extension folder's node_modules (works in
// any Node the extension host runs, with or without require() of ES modules).
const requireFromHere = createRequire(__filename);
const MochaClass = requireFromHere('mocha/lib/mocha.cjs') as typeof Mocha;

export function run(): Promise<void> {
  const mocha = new MochaClass({
    ui: 'bdd',
    reporter: 'spec',
    color: false,
    timeout: Number(process.env.PAPER_LAB_TEST_TIMEOUT ?? 60_000),
    slow: 5_000,
  });
  const grep = process.env.PAPER_LAB_TEST_GREP;
  if (grep) mocha.grep(grep);
  mocha.suite.emit('pre-require', globalThis, 'extension.test.ts', mocha);
  defineExtensionTests();
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => {
        if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
        else resolve();
      });
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}

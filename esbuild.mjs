// One build script, four entry points (and secondary workers: the ANCE demo's index refresh, DrQ's learners):
//   dist/extension.js  extension host (cjs, node; vscode external; no TensorFlow.js inside)
//   dist/worker.js     training worker (cjs, node; TensorFlow.js inside; native backends external)
//   dist/webview.js    paper panel (iife, browser)
//   dist/cli.js        the `paper-lab` command (cjs, node)
//   dist/ance-refresh.js  ANCE index refresh worker (cjs, node; no TensorFlow.js)
//   dist/drq-learners.js  DrQ learner worker (cjs, node; TensorFlow.js inside; native backends external)
// plus the extension-host test suite (out/e2e-suite.js) with --tests.
// Usage: node esbuild.mjs [--production] [--watch] [--tests]
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');

// Optional native / large backends: never bundled; resolved at run time if installed.
const optionalBackends = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'webgpu'];

/** Reports build results in the format of the `$esbuild-watch` problem matcher. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => {
      if (watch) console.log('[watch] build started');
    });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (watch) console.log('[watch] build finished');
    });
  },
};

/**
 * The extension host reads every demo's definition but never trains: a demo loads its trainer
 * with `import('./train')` and its query answers with `import('./query')`, which this plugin
 * answers in the host's bundle with a module that throws when loaded, so no model code (and no
 * TensorFlow.js) is bundled there.
 */
const noTrainingCode = {
  name: 'no-training-code',
  setup(build) {
    build.onResolve({ filter: /^\.\/(train|query)$/ }, (args) =>
      /[\\/]src[\\/]models[\\/]/.test(args.importer) && args.kind === 'dynamic-import'
        ? { path: args.importer, namespace: 'no-training-code' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'no-training-code' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`model code (${args.path}) is not part of the extension host`)});`,
      loader: 'js',
    }));
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  plugins: [problemMatcher],
};

/**
 * A bundle for Node (CommonJS), written to dist/ unless `outdir` says otherwise.
 * @param {string} name the bundle's file name, without .js
 * @param {string} entry its entry point
 * @param {import('esbuild').BuildOptions} [options] anything else, e.g. what stays external
 * @returns {import('esbuild').BuildOptions}
 */
const nodeBundle = (name, entry, options = {}) => ({
  ...common,
  entryPoints: { [name]: entry },
  outdir: 'dist',
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  ...options,
});

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  nodeBundle('extension', 'src/extension/extension.ts', {
    external: ['vscode'],
    metafile: true,
    plugins: [problemMatcher, noTrainingCode],
  }),
  nodeBundle('worker', 'src/models/engine/workerMain.ts', { external: optionalBackends }),
  // The ANCE index refresh worker, started by the training code (dist/worker.js or dist/cli.js) beside itself.
  nodeBundle('ance-refresh', 'src/models/ance/refreshWorker.ts'),
  // A DrQ learner worker, started by the training code (dist/worker.js or dist/cli.js) beside itself.
  nodeBundle('drq-learners', 'src/models/drq/learnerWorker.ts', { external: optionalBackends }),
  nodeBundle('cli', 'src/cli/main.ts', { external: optionalBackends }),
  {
    ...common,
    entryPoints: { webview: 'src/webviews/main.ts' },
    outdir: 'dist',
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    loader: { '.woff2': 'file', '.woff': 'file', '.ttf': 'file' },
  },
];

if (tests) {
  builds.push(nodeBundle('e2e-suite', 'test/e2e/suite/index.ts', { outdir: 'out', external: ['vscode', 'mocha'] }));
}

/** Static files the bundles load at run time. */
function copyAssets() {
  mkdirSync('dist', { recursive: true });
  const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
    cpSync(join(wasmDir, 'dist', f), join('dist', f));
  }
  const katexDir = dirname(require.resolve('katex/package.json'));
  cpSync(join(katexDir, 'dist', 'katex.min.css'), 'dist/katex.min.css');
  cpSync(join(katexDir, 'dist', 'fonts'), 'dist/fonts', { recursive: true });
  const uplotDir = dirname(require.resolve('uplot/package.json'));
  cpSync(join(uplotDir, 'dist', 'uPlot.min.css'), 'dist/uPlot.min.css');
}

copyAssets();
if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  const results = await Promise.all(builds.map((b) => esbuild.build(b)));
  const meta = results[0]?.metafile;
  if (meta) {
    const inputs = Object.keys(meta.inputs);
    const tfInside = inputs.filter((p) => p.includes('@tensorflow'));
    if (tfInside.length > 0) {
      console.error(`dist/extension.js must not contain TensorFlow.js, found: ${tfInside.slice(0, 3).join(', ')}`);
      process.exit(1);
    }
  }
  if (!existsSync('dist/extension.js')) process.exit(1);
}

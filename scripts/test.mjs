// `npm test`: everything the tests need, then the tests, on a fresh machine as on a warm one.
//
//   setup     Debian packages (chromium, libkrb5-dev, mesa-vulkan-drivers: installed with apt-get
//             when run as root; otherwise the command stops at once and prints the apt-get line),
//             Node 24 and code-server into the tool cache, Mesa's software Vulkan driver
//   build     data files and bundles
//   check     type-check, lint, format
//   unit      mocha unit tests (math, logic, every demo's quick-preset claims, faults, bundles)
//   e2e       the extension in a real VS Code (code-server, Playwright, Debian's Chromium)
//   fresh     `npm install && npm start` in a copy of the tree with empty caches, until the
//             workbench shows Paper Lab (PAPER_LAB_SKIP_FRESH=1 skips it)
//
// Each phase's time is printed at the end. Usage: node scripts/test.mjs [phase …] (default: all).
import { spawn } from 'node:child_process';
import { ensureSystemPackages, ensureToolchain, repoRoot, SetupError } from './toolchain.mjs';
import { ensureLavapipe } from './software-vulkan.mjs';

const PHASES = ['setup', 'build', 'check', 'unit', 'e2e', 'fresh'];
const asked = process.argv.slice(2).filter((a) => PHASES.includes(a));
const phases = asked.length > 0 ? asked : PHASES;
const env = { ...process.env };

function run(cmd, args) {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd: repoRoot, stdio: 'inherit', env });
    child.on('error', fail);
    child.on('exit', (code, signal) =>
      code === 0 ? done() : fail(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`)),
    );
  });
}
const npmRun = (script) => run('npm', ['run', '--silent', script]);

async function setup() {
  // All Debian packages first, so that a missing one stops the command before anything else.
  ensureSystemPackages(['chromium', 'libkrb5-dev', 'mesa-vulkan-drivers']);
  await ensureToolchain();
  try {
    const manifest = ensureLavapipe();
    console.log(`software Vulkan driver: ${manifest}`);
    // The driver is there: a WebGPU test that cannot start on it is a failure, not a skip.
    env.PAPER_LAB_REQUIRE_WEBGPU = env.PAPER_LAB_REQUIRE_WEBGPU ?? '1';
  } catch (e) {
    if (env.PAPER_LAB_REQUIRE_WEBGPU === '1') throw e;
    console.warn(`software Vulkan driver unavailable, WebGPU device tests will skip: ${e.message}`);
  }
}

const steps = {
  setup,
  build: () => npmRun('build'),
  check: () => npmRun('check'),
  unit: () => npmRun('test:unit'),
  e2e: () => npmRun('test:e2e'),
  fresh: async () => {
    if (env.PAPER_LAB_SKIP_FRESH === '1') {
      console.log('PAPER_LAB_SKIP_FRESH=1: skipped');
      return;
    }
    await run(process.execPath, ['scripts/fresh-clone.mjs', 'start']);
  },
};

const timings = [];
const started = Date.now();
let failed;
for (const name of phases) {
  console.log(`\n=== ${name} ===`);
  const t = Date.now();
  try {
    await steps[name]();
    timings.push([name, (Date.now() - t) / 1000, 'ok']);
  } catch (e) {
    timings.push([name, (Date.now() - t) / 1000, 'FAILED']);
    failed = e;
    console.error(`\nnpm test: ${name}: ${e instanceof SetupError ? `\n${e.message}` : e.message}`);
    break;
  }
}
console.log('\nPhase timings:');
for (const [name, s, state] of timings) console.log(`  ${name.padEnd(8)} ${s.toFixed(0).padStart(5)} s  ${state}`);
console.log(`  total    ${((Date.now() - started) / 1000).toFixed(0).padStart(5)} s`);
process.exit(failed ? 1 : 0);

// The README's set-up commands as a new user meets them: a copy of this working tree (the files git
// tracks or would track, nothing ignored: no node_modules, dist, media/data or .cache) with an empty
// home folder, an empty npm cache and an empty tool cache, then
//
//   start  `npm install && npm start`: waits for the URL it prints, opens it in Chromium and checks
//          that the workbench shows Paper Lab in its activity bar (the default check).
//   test   `npm install && npm test` to the end (long: the whole test suite).
//
// Prints how long each command took. The Debian packages the commands need are installed on this
// machine by then (the commands install them as root, which is the same on a fresh clone).
//
// Usage: node scripts/fresh-clone.mjs [start|test] [--keep]
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { CHROMIUM, ensureSystemPackages, log, poll, removeRunDir, repoRoot, SetupError, sleep } from './toolchain.mjs';

const mode = process.argv.includes('test') ? 'test' : 'start';
const keep = process.argv.includes('--keep');
const START_TIMEOUT_MS = Number(process.env.PAPER_LAB_FRESH_TIMEOUT ?? 900) * 1000;

/** The folders and files .gitignore names (simple patterns: a name, a path, or `*.ext`). */
function ignoredPatterns() {
  const lines = readFileSync(join(repoRoot, '.gitignore'), 'utf8').split('\n');
  return lines.map((l) => l.trim().replace(/\/$/, '')).filter((l) => l && !l.startsWith('#'));
}

/**
 * Copies the files git tracks or would track (not ignored) into `target`. Outside a git checkout
 * (a copy made by this script, when its own `npm test` runs this again) every file is copied but
 * `.git` and what .gitignore names.
 */
function copyWorkingTree(target) {
  const r = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) {
    const ignored = ignoredPatterns();
    const skip = (rel) =>
      rel === '.git' ||
      ignored.some((p) => (p.startsWith('*.') ? rel.endsWith(p.slice(1)) : rel === p || rel.startsWith(`${p}/`)));
    let n = 0;
    cpSync(repoRoot, target, {
      recursive: true,
      filter: (src) => {
        const rel = relative(repoRoot, src);
        if (rel === '') return true;
        if (skip(rel)) return false;
        n++;
        return true;
      },
    });
    return n;
  }
  let n = 0;
  for (const file of r.stdout.split('\0').filter(Boolean)) {
    mkdirSync(join(target, dirname(file)), { recursive: true });
    try {
      cpSync(join(repoRoot, file), join(target, file));
      n++;
    } catch (e) {
      if (e?.code !== 'ENOENT') throw e; // deleted in the working tree, not yet in the index
    }
  }
  return n;
}

/** The environment of a new user: fresh HOME and npm cache, no inherited npm or tool settings. */
function freshEnv(root) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm_|PAPER_LAB_|XDG_)/i.test(k)) continue;
    env[k] = v;
  }
  const home = join(root, 'home');
  mkdirSync(home, { recursive: true });
  return { ...env, HOME: home, npm_config_cache: join(root, 'npm-cache'), npm_config_update_notifier: 'false' };
}

function spawnShell(command, cwd, env) {
  const child = spawn('sh', ['-c', command], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const onData = (d) => {
    output += d.toString();
    process.stdout.write(d);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise((done) => child.on('exit', (code, signal) => done(signal ?? code)));
  return { child, exited, output: () => output };
}

function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    /* gone */
  }
}

async function checkWorkbench(url) {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'paper-lab-fresh-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-dev-shm-usage'],
    viewport: { width: 1280, height: 800 },
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(url);
    await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: 90000 });
    await page
      .locator('.part.activitybar .action-item a[aria-label^="Paper Lab"]')
      .first()
      .waitFor({ state: 'attached', timeout: 90000 });
    await page.screenshot({ path: join(repoRoot, 'test-results', 'fresh-start.png') }).catch(() => {});
  } finally {
    await context.close().catch(() => {});
    removeRunDir(profile);
  }
}

async function main() {
  // The start check drives Chromium itself; `npm test` installs what it needs on its own.
  if (mode === 'start') ensureSystemPackages(['chromium']);
  mkdirSync(join(repoRoot, 'test-results'), { recursive: true });
  const root = mkdtempSync(join(tmpdir(), 'paper-lab-fresh-'));
  const repo = join(root, 'paper-lab');
  const env = freshEnv(root);
  try {
    log(`copied ${copyWorkingTree(repo)} files into ${repo}; HOME, npm cache and tool cache empty`);
    const t0 = Date.now();
    const install = spawnShell('npm install', repo, env);
    const installCode = await install.exited;
    const installSeconds = (Date.now() - t0) / 1000;
    if (installCode !== 0) throw new Error(`npm install failed (${installCode})`);
    log(`npm install: ${installSeconds.toFixed(0)} s`);

    const t1 = Date.now();
    if (mode === 'test') {
      const test = spawnShell('npm test', repo, env);
      const code = await test.exited;
      const seconds = (Date.now() - t1) / 1000;
      log(
        `npm test: exit ${code} after ${seconds.toFixed(0)} s (npm install ${installSeconds.toFixed(0)} s before it)`,
      );
      writeFileSync(
        join(repoRoot, 'test-results', 'fresh-test.json'),
        JSON.stringify({ installSeconds, testSeconds: seconds, code }, null, 2) + '\n',
      );
      if (code !== 0) throw new Error(`npm test failed on the fresh copy (${code})`);
      return;
    }
    const start = spawnShell('npm start', repo, env);
    let url;
    try {
      url = await poll(
        async () => {
          const code = await Promise.race([start.exited, sleep(0).then(() => undefined)]);
          if (code !== undefined) {
            const e = new Error(`npm start exited (${code}) before printing a URL`);
            e.fatal = true;
            throw e;
          }
          return /^\s+(http:\/\/127\.0\.0\.1:\d+\/\S+)$/m.exec(start.output())?.[1];
        },
        { timeoutMs: START_TIMEOUT_MS, intervalMs: 500, what: 'npm start to print its URL' },
      );
      const startSeconds = (Date.now() - t1) / 1000;
      log(`npm start printed its URL after ${startSeconds.toFixed(0)} s: ${url}`);
      await checkWorkbench(url);
      const seconds = (Date.now() - t1) / 1000;
      log(`the workbench at that URL shows Paper Lab (${seconds.toFixed(0)} s after npm start began)`);
      writeFileSync(
        join(repoRoot, 'test-results', 'fresh-start.json'),
        JSON.stringify({ installSeconds, startSeconds, workbenchSeconds: seconds }, null, 2) + '\n',
      );
    } finally {
      killGroup(start.child);
      await Promise.race([start.exited, sleep(5000)]);
    }
  } finally {
    if (keep) log(`kept ${root}`);
    else removeRunDir(root);
  }
}

try {
  await main();
  console.log(`fresh-${mode}: 1 passed, 0 failed`);
} catch (e) {
  console.error(`\nfresh ${mode}: ${e instanceof SetupError ? e.message : e instanceof Error ? e.message : e}`);
  console.log(`fresh-${mode}: 0 passed, 1 failed`);
  process.exit(1);
}

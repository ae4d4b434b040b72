/**
 * How `Paper Lab: Install GPU Backend…` runs npm, and what it tells the user afterwards. Pure: no
 * `vscode`, no process spawned here (backendStatus.ts does that with what these functions return).
 *
 * Versions: an installed backend registers itself into the TensorFlow.js engine the worker
 * bundles, so it must be the very release of that TensorFlow.js. The pins come from this
 * package's manifest, whose TensorFlow.js dependencies are exact versions (the bundled ones);
 * `webgpu` is pinned to the release in the lock file (a unit test keeps both in step).
 */
import { dependencies } from '../../package.json';

/** The release of TensorFlow.js bundled into the worker (`@tensorflow/tfjs-core`, an exact version). */
export const BUNDLED_TFJS_VERSION: string = dependencies['@tensorflow/tfjs-core'];
/** The `webgpu` (Dawn) release Paper Lab is tested with: the one in package-lock.json. */
export const WEBGPU_VERSION = '0.6.2';

export interface InstallableBackend {
  /** Package name, e.g. `@tensorflow/tfjs-node`. */
  readonly label: string;
  /** What npm installs: the package at one exact version, e.g. `@tensorflow/tfjs-node@4.22.0`. */
  readonly spec: string;
  readonly detail: string;
}

export const INSTALLABLE_BACKENDS: readonly InstallableBackend[] = [
  {
    label: '@tensorflow/tfjs-node-gpu',
    spec: `@tensorflow/tfjs-node-gpu@${BUNDLED_TFJS_VERSION}`,
    detail: 'NVIDIA GPU through TensorFlow. Needs CUDA 11.2 and cuDNN 8.1; downloads libtensorflow while installing.',
  },
  {
    label: '@tensorflow/tfjs-node',
    spec: `@tensorflow/tfjs-node@${BUNDLED_TFJS_VERSION}`,
    detail: 'TensorFlow on the CPU. Downloads libtensorflow while installing.',
  },
  {
    label: 'webgpu',
    spec: `webgpu@${WEBGPU_VERSION}`,
    detail: 'WebGPU through Dawn (about 21 MB a platform). Needs a Vulkan, Metal or D3D12 driver.',
  },
];

export interface NpmInvocation {
  readonly command: string;
  readonly args: readonly string[];
  readonly options: {
    readonly cwd: string;
    readonly shell: false;
    /** Windows: the command line is passed to cmd.exe as built here, not re-quoted by Node. */
    readonly windowsVerbatimArguments?: boolean;
  };
}

/** cmd.exe's metacharacters: escaped with `^` so it passes them on literally. */
const CMD_META = /([()\][%!^"`<>&|;, *?])/g;

/**
 * One argument for a program started through `cmd.exe /d /s /c "…"`: quoted by the rules the C
 * runtime parses (backslashes doubled before a quote and at the end), then every cmd.exe
 * metacharacter, the quotes included, escaped with `^`.
 */
export function quoteForCmd(arg: string): string {
  const quoted = `"${arg.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\*)$/, '$1$1')}"`;
  return quoted.replace(CMD_META, '^$1');
}

/**
 * The process that runs `npm install --prefix <prefix> <spec>`.
 *
 * POSIX: `npm` itself, no shell, so every argument reaches npm as it is.
 *
 * Windows: npm is a batch file (`npm.cmd`), which only cmd.exe can run (Node refuses to spawn a
 * `.cmd` without a shell), and Node's `shell: true` joins the arguments with spaces unquoted, so a
 * storage path with a space split in two. Here cmd.exe (`%ComSpec%`) runs it with `/d` (no AutoRun
 * commands), `/s /c` and the whole command line in quotes, each argument quoted and escaped by
 * `quoteForCmd`, and the line is passed verbatim. (Running `npm-cli.js` with `process.execPath`
 * is not an option: in the extension host that is VS Code's own executable, and where the user's
 * npm lives is known only to PATH.)
 */
export function npmInstallInvocation(
  platform: NodeJS.Platform,
  prefix: string,
  spec: string,
  env: Readonly<Record<string, string | undefined>>,
): NpmInvocation {
  const npmArgs = ['install', '--no-audit', '--no-fund', '--prefix', prefix, spec];
  if (platform !== 'win32') return { command: 'npm', args: npmArgs, options: { cwd: prefix, shell: false } };
  const line = ['npm.cmd', ...npmArgs.map(quoteForCmd)].join(' ');
  return {
    command: env['ComSpec'] ?? env['COMSPEC'] ?? env['comspec'] ?? 'cmd.exe',
    args: ['/d', '/s', '/c', `"${line}"`],
    options: { cwd: prefix, shell: false, windowsVerbatimArguments: true },
  };
}

/**
 * How to end an install the user cancelled. On Windows the child is cmd.exe, and killing it would
 * leave npm (and the install scripts it started) running, so the whole tree is ended with taskkill.
 */
export function cancelInvocation(
  platform: NodeJS.Platform,
  pid: number,
): { readonly command: string; readonly args: readonly string[] } | undefined {
  return platform === 'win32' ? { command: 'taskkill', args: ['/pid', String(pid), '/t', '/f'] } : undefined;
}

/** How an install ended. */
export type InstallResult =
  | { readonly kind: 'exited'; readonly code: number | null; readonly signal: string | null }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'spawnFailed'; readonly code?: string; readonly message: string };

export interface InstallMessage {
  readonly severity: 'info' | 'error';
  readonly text: string;
  /** Offer to show the log (npm's output). */
  readonly showLog: boolean;
}

/** cmd.exe's exit code for a command it cannot find ("'npm.cmd' is not recognized…"). */
const CMD_NOT_FOUND = 9009;

const NPM_NOT_FOUND =
  'npm was not found on PATH: install Node.js (which comes with npm), make sure VS Code sees it on PATH ' +
  '(restart VS Code after installing), then try again.';

/** What to tell the user once npm has ended (or could not start) for `spec`. */
export function describeInstallOutcome(result: InstallResult, spec: string): InstallMessage {
  if (result.kind === 'cancelled') {
    return {
      severity: 'info',
      text: `Paper Lab: installation cancelled; ${spec} was not installed.`,
      showLog: false,
    };
  }
  if (result.kind === 'exited' && result.code === 0) {
    return {
      severity: 'info',
      text: `Paper Lab: installed ${spec}. New runs try it when the backend is "auto" or set to it.`,
      showLog: false,
    };
  }
  const failed = `Paper Lab: installing ${spec} failed`;
  if (result.kind === 'spawnFailed') {
    if (result.code === 'ENOENT') return { severity: 'error', text: `${failed}. ${NPM_NOT_FOUND}`, showLog: true };
    return { severity: 'error', text: `${failed}: could not run npm (${result.message}).`, showLog: true };
  }
  if (result.code === CMD_NOT_FOUND) return { severity: 'error', text: `${failed}. ${NPM_NOT_FOUND}`, showLog: true };
  const how = result.code !== null ? `npm ended with exit code ${result.code}` : `npm was ended by ${result.signal}`;
  const hint = spec.startsWith('@tensorflow/')
    ? 'Its install script downloads libtensorflow from storage.googleapis.com; without network access, or on a ' +
      "platform it has no binary for, it fails. See the log for npm's output."
    : "See the log for npm's output.";
  return { severity: 'error', text: `${failed} (${how}). ${hint}`, showLog: true };
}

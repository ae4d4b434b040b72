/**
 * Installing an optional backend with npm: the command line npm receives on Windows and Linux
 * (a storage path with spaces and cmd.exe metacharacters stays one argument), exact package
 * versions matching the bundled TensorFlow.js, and what the user is told for each outcome.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  cancelInvocation,
  describeInstallOutcome,
  INSTALLABLE_BACKENDS,
  npmInstallInvocation,
  type NpmInvocation,
} from '../../../src/extension/npmInstall';

const repo = path.join(__dirname, '..', '..', '..');

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(repo, file), 'utf8')) as Record<string, unknown>;
}

/**
 * The Windows command line Node builds for an invocation (libuv joins verbatim arguments with
 * spaces; `shell: true` wraps everything in `cmd.exe /d /s /c "…"` unquoted).
 */
function windowsCommandLine(inv: NpmInvocation, comspec = 'cmd.exe'): string {
  if ((inv.options as { shell?: boolean }).shell === true) {
    const joined = [inv.command, ...inv.args].join(' ');
    return `${comspec} /d /s /c "${joined}"`;
  }
  assert.equal(inv.options.windowsVerbatimArguments, true, 'arguments for cmd.exe must be passed verbatim');
  return [inv.command, ...inv.args].join(' ');
}

/** cmd.exe's handling of `^` and `"` (and the command separators it would act on). */
function cmdPhase(line: string): string {
  let out = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (c === '"') {
      quoted = !quoted;
      out += c;
    } else if (!quoted && c === '^') {
      out += line[++i] ?? '';
    } else if (!quoted && (c === '&' || c === '|' || c === '<' || c === '>')) {
      throw new Error(`cmd.exe would act on an unquoted "${c}" in: ${line}`);
    } else out += c;
  }
  return out;
}

/** The argument vector a program started with this command line sees (MSVCRT / CommandLineToArgvW rules). */
function parseArgv(line: string): string[] {
  const args: string[] = [];
  let current = '';
  let inArg = false;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (c === '\\') {
      let n = 0;
      while (line[i] === '\\') {
        n++;
        i++;
      }
      if (line[i] === '"') {
        current += '\\'.repeat(Math.floor(n / 2));
        if (n % 2 === 1) current += '"';
        else quoted = !quoted;
      } else {
        current += '\\'.repeat(n);
        i--;
      }
      inArg = true;
    } else if (c === '"') {
      quoted = !quoted;
      inArg = true;
    } else if ((c === ' ' || c === '\t') && !quoted) {
      if (inArg) args.push(current);
      current = '';
      inArg = false;
    } else {
      current += c;
      inArg = true;
    }
  }
  if (inArg) args.push(current);
  return args;
}

/**
 * What npm's own node process receives on Windows: cmd.exe runs `/c "<line>"` (with `/s` the
 * outer quotes are stripped), then npm.cmd passes `%*` (re-parsed by cmd) on to node.
 */
function npmArgvOnWindows(inv: NpmInvocation): { command: string; argv: string[] } {
  const line = windowsCommandLine(inv);
  const marker = ' /c ';
  const at = line.indexOf(marker);
  assert.ok(at >= 0 && line.includes(' /s '), `runs through cmd.exe /s /c: ${line}`);
  let rest = line.slice(at + marker.length);
  assert.ok(rest.startsWith('"') && rest.endsWith('"'), 'the command is wrapped in quotes that /s strips');
  rest = rest.slice(1, -1);
  const afterCmd = cmdPhase(rest);
  const [command, ...argv] = parseArgv(afterCmd);
  // npm.cmd hands `%*` (everything after its own name, as cmd passed it) to node, and cmd parses it again.
  const firstSpace = afterCmd.indexOf(' ', afterCmd.startsWith('"') ? afterCmd.indexOf('"', 1) : 0);
  const star = firstSpace < 0 ? '' : afterCmd.slice(firstSpace + 1);
  assert.deepEqual(parseArgv(cmdPhase(star)), argv, 'the batch file passes the same arguments on');
  return { command: command ?? '', argv };
}

describe('Install GPU Backend (npm)', () => {
  const tfjsCore = (readJson('node_modules/@tensorflow/tfjs-core/package.json') as { version: string }).version;
  const lockedWebgpu = (
    (readJson('package-lock.json')['packages'] as Record<string, { version?: string }>)['node_modules/webgpu'] ?? {}
  ).version;

  it('pins each package to the exact version the bundled TensorFlow.js (or the lock file) has', () => {
    const specs = INSTALLABLE_BACKENDS.map((b) => b.spec);
    assert.deepEqual(specs, [
      `@tensorflow/tfjs-node-gpu@${tfjsCore}`,
      `@tensorflow/tfjs-node@${tfjsCore}`,
      `webgpu@${lockedWebgpu}`,
    ]);
    for (const spec of specs) assert.match(spec, /@\d+\.\d+\.\d+$/, `${spec} names one exact version`);
  });

  const windowsPrefix =
    'C:\\Users\\Ann Lee (Work) & Co\\AppData\\Roaming\\Code\\User\\globalStorage\\paper-lab\\backends';
  const spec = `@tensorflow/tfjs-node@${tfjsCore}`;

  it('keeps a Windows storage path with spaces and metacharacters one argument', () => {
    const inv = npmInstallInvocation('win32', windowsPrefix, spec, { ComSpec: 'C:\\Windows\\system32\\cmd.exe' });
    assert.equal(inv.command, 'C:\\Windows\\system32\\cmd.exe', 'cmd.exe from %ComSpec%');
    assert.notEqual(inv.options.shell, true, 'no shell: Node would join the arguments unquoted');
    const { command, argv } = npmArgvOnWindows(inv);
    assert.equal(command, 'npm.cmd');
    assert.deepEqual(argv, ['install', '--no-audit', '--no-fund', '--prefix', windowsPrefix, spec]);
    assert.equal(inv.options.cwd, windowsPrefix);
    // Without ComSpec, cmd.exe is found on PATH.
    assert.equal(npmInstallInvocation('win32', windowsPrefix, spec, {}).command, 'cmd.exe');
  });

  it('passes a Linux storage path with spaces as one argument, without a shell', () => {
    const prefix = '/home/ann lee/.config/Code/User/globalStorage/paper-lab.paper-lab/backends';
    const inv = npmInstallInvocation('linux', prefix, spec, {});
    assert.equal(inv.command, 'npm');
    assert.deepEqual(inv.args, ['install', '--no-audit', '--no-fund', '--prefix', prefix, spec]);
    assert.notEqual(inv.options.shell, true);
    assert.equal(inv.options.cwd, prefix);
  });

  it('reports a cancel as a cancel, with no error hint', () => {
    const m = describeInstallOutcome({ kind: 'cancelled' }, spec);
    assert.equal(m.severity, 'info');
    assert.match(m.text, /installation cancelled/);
    assert.doesNotMatch(m.text, /npm was not found|failed|PATH|libtensorflow/);
    assert.equal(m.showLog, false);
  });

  it('ends the whole npm process tree on a Windows cancel (the child is cmd.exe)', () => {
    assert.deepEqual(cancelInvocation('win32', 4242), { command: 'taskkill', args: ['/pid', '4242', '/t', '/f'] });
    assert.equal(cancelInvocation('linux', 4242), undefined, 'elsewhere the child is npm itself: kill() it');
  });

  it('tells "npm not found" (spawn ENOENT, or cmd.exe exit 9009) apart from other failures', () => {
    const enoent = describeInstallOutcome({ kind: 'spawnFailed', code: 'ENOENT', message: 'spawn npm ENOENT' }, spec);
    assert.equal(enoent.severity, 'error');
    assert.match(enoent.text, /npm was not found on PATH/);
    const notRecognized = describeInstallOutcome({ kind: 'exited', code: 9009, signal: null }, spec);
    assert.match(notRecognized.text, /npm was not found on PATH/);
    const eacces = describeInstallOutcome({ kind: 'spawnFailed', code: 'EACCES', message: 'spawn npm EACCES' }, spec);
    assert.equal(eacces.severity, 'error');
    assert.doesNotMatch(eacces.text, /not found/);
    assert.match(eacces.text, /EACCES/);
  });

  it('reports a failed install (exit 1) with the package and what to look at', () => {
    const failed = describeInstallOutcome({ kind: 'exited', code: 1, signal: null }, spec);
    assert.equal(failed.severity, 'error');
    assert.match(failed.text, new RegExp(`installing ${spec.replace(/[.@/]/g, '\\$&')} failed`));
    assert.match(failed.text, /exit code 1/);
    assert.match(failed.text, /libtensorflow/);
    assert.doesNotMatch(failed.text, /not found on PATH|cancelled/);
    assert.equal(failed.showLog, true);
    const webgpu = describeInstallOutcome({ kind: 'exited', code: 1, signal: null }, `webgpu@${lockedWebgpu}`);
    assert.doesNotMatch(webgpu.text, /libtensorflow/);
    const ok = describeInstallOutcome({ kind: 'exited', code: 0, signal: null }, spec);
    assert.equal(ok.severity, 'info');
    assert.match(ok.text, /installed @tensorflow\/tfjs-node@/);
  });
});

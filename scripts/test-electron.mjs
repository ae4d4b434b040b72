// `npm run test:vscode`: runs the extension-host suite (out/e2e-suite.js) in VS Code desktop with
// @vscode/test-electron. Uses the VS Code behind `code` on PATH (or VSCODE_EXECUTABLE); otherwise
// lets @vscode/test-electron download one, which needs access to update.code.visualstudio.com.
// Where VS Code desktop cannot be had, `npm run test:e2e` runs the same suite in code-server.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { log, repoRoot, run } from './toolchain.mjs';

/** The Electron executable of the VS Code whose CLI launcher is `code` on PATH. */
function localVSCode() {
  if (process.env.VSCODE_EXECUTABLE) return process.env.VSCODE_EXECUTABLE;
  const r = spawnSync('sh', ['-c', 'command -v code'], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  const launcher = realpathSync(r.stdout.trim());
  const binDir = dirname(launcher); // <install>/bin (Linux, Windows) or …/Contents/Resources/app/bin (macOS)
  const candidates = [
    join(dirname(binDir), 'code'),
    join(dirname(binDir), 'Code.exe'),
    join(dirname(binDir), 'code-insiders'),
    join(dirname(dirname(dirname(binDir))), 'MacOS', 'Electron'),
    join(dirname(dirname(dirname(binDir))), 'MacOS', 'Code'),
  ];
  return candidates.find((c) => existsSync(c) && c !== launcher);
}

async function main() {
  log('building the extension and the suite (esbuild --tests)');
  await run(process.execPath, ['esbuild.mjs', '--tests'], { cwd: repoRoot });
  const { runTests } = await import('@vscode/test-electron');
  const scratch = mkdtempSync(join(tmpdir(), 'paper-lab-vscode-'));
  const workspace = join(scratch, 'ws');
  cpSync(join(repoRoot, 'examples'), workspace, { recursive: true });
  const vscodeExecutablePath = localVSCode();
  log(vscodeExecutablePath ? `using ${vscodeExecutablePath}` : 'no local VS Code found: downloading the stable build');
  try {
    await runTests({
      ...(vscodeExecutablePath ? { vscodeExecutablePath } : { version: 'stable' }),
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: join(repoRoot, 'out', 'e2e-suite.js'),
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        `--user-data-dir=${join(scratch, 'data')}`,
        `--extensions-dir=${join(scratch, 'ext')}`,
      ],
    });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (!vscodeExecutablePath && /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|getaddrinfo|download/i.test(msg)) {
      throw new Error(
        `Could not download VS Code (${msg}).\n` +
          'This machine cannot reach update.code.visualstudio.com. Install VS Code so that `code` is on PATH ' +
          '(or set VSCODE_EXECUTABLE to its executable), or run the same suite in code-server with `npm run test:e2e`, ' +
          'which needs only the npm registry.',
        { cause: e },
      );
    }
    if (process.platform === 'linux' && !process.env.DISPLAY && /exit|signal|display/i.test(msg)) {
      throw new Error(`${msg}\nVS Code desktop needs a display on Linux: run under xvfb-run -a npm run test:vscode.`, {
        cause: e,
      });
    }
    throw e;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}

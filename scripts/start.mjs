// `npm start`: builds the extension and opens it in a real VS Code with the sample workspace
// (examples/). Uses VS Code desktop when `code` is on PATH; otherwise code-server (VS Code in the
// browser) from the tool cache, installed from the npm registry on first use, and prints the URL.
//
// Usage: node scripts/start.mjs [--code-server] [--vsix] [--port N] [--no-build] [folder]
//   --code-server  use code-server even when `code` is on PATH
//   --vsix         install a freshly packaged paper-lab.vsix instead of loading from source
//   --port N       port for code-server (default: a free one, or PORT)
//   folder         workspace to open (default: examples/)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  ensureSystemPackages,
  ensureToolchain,
  installVsix,
  log,
  SetupError,
  toolchainPaths,
  makeRunDir,
  removeRunDir,
  repoRoot,
  run,
  startCodeServer,
  vsceArgs,
} from './toolchain.mjs';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const portArg = argv.indexOf('--port');
const port = portArg >= 0 ? Number(argv[portArg + 1]) : process.env.PORT ? Number(process.env.PORT) : undefined;
const positional = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--port');
const workspace = resolve(positional[0] ?? join(repoRoot, 'examples'));

function onPath(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

async function main() {
  if (!existsSync(workspace)) throw new SetupError(`workspace folder ${workspace} does not exist`);
  const useVsix = flag('--vsix');
  const code = flag('--code-server') ? undefined : onPath('code');
  // What code-server's install needs from Debian is settled before the build, so a missing
  // package stops the command at once (or, as root, is installed).
  if (!code && !existsSync(toolchainPaths().csMarker)) ensureSystemPackages(['libkrb5-dev']);
  if (!flag('--no-build') && !useVsix) {
    log('building (npm run build)');
    await run('npm', ['run', 'build'], { cwd: repoRoot });
  }

  if (code) {
    log(`opening ${workspace} in VS Code (${code}) with the extension loaded from ${repoRoot}`);
    await run(code, [`--extensionDevelopmentPath=${repoRoot}`, workspace]);
    return;
  }

  const paths = await ensureToolchain({ needChromium: false });
  const runDir = makeRunDir({ prefix: 'paper-lab-start-', settings: { 'workbench.startupEditor': 'none' } });
  process.on('exit', () => removeRunDir(runDir));

  let vsixPath;
  if (useVsix) {
    vsixPath = join(repoRoot, 'paper-lab.vsix');
    log('packaging paper-lab.vsix (runs the production build)');
    await run('npx', ['vsce', 'package', ...vsceArgs(), '--out', vsixPath], { cwd: repoRoot });
    await installVsix(paths, runDir, vsixPath);
  }
  const server = await startCodeServer(paths, runDir, { workspace, port });
  log(`code-server is up on ${server.url}`);
  let url = `${server.url}/?folder=${encodeURIComponent(workspace)}`;
  if (!useVsix) {
    const payload = [['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${server.port}${repoRoot}`]];
    url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  }
  console.log(
    [
      '',
      `Paper Lab is running in code-server (VS Code ${useVsix ? 'with the packaged .vsix' : 'with the extension loaded from source'}).`,
      'Open this URL in a browser on this machine (or forward the port to the same port number):',
      '',
      `  ${url}`,
      '',
      useVsix ? '' : 'After rebuilding (npm run build:dev or npm run watch), run "Developer: Reload Window".',
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  await new Promise((resolveStop) => server.child.once('exit', resolveStop));
  log('code-server stopped');
  console.log(server.output().split('\n').slice(-20).join('\n'));
  process.exitCode = 1;
}

try {
  await main();
} catch (e) {
  console.error(e instanceof SetupError ? `\n${e.message}` : `\nnpm start: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}

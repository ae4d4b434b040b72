// A Vulkan driver that runs on the CPU (Mesa's lavapipe), so that the WebGPU backend (Dawn over
// Vulkan) can be tested for correctness on a machine without a GPU. It is far too slow to train
// on: `auto` skips software adapters, and only the tests and an explicit `--backend webgpu` use it.
//
// Debian 12's own lavapipe (Mesa 22.3) does not start under Dawn ("Vulkan
// shaderUniform*ArrayDynamicIndexing required"); the one in bookworm-backports (Mesa 25) does.
// This script downloads that package with apt (nothing is installed system-wide), unpacks it into
// `<toolchain>/lavapipe` (toolchain folder as in scripts/toolchain.mjs) and writes an ICD manifest
// with the library's absolute path. Point the Vulkan loader at it with
// VK_DRIVER_FILES=<toolchain>/lavapipe/lvp_icd.json. The driver's own dependencies (LLVM 15,
// libdrm, the Vulkan loader) are those of Debian's `mesa-vulkan-drivers` package.
//
// Usage: node scripts/software-vulkan.mjs   (prints the manifest's path; idempotent)
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toolchainDir } from './toolchain.mjs';

const SUITE = 'bookworm-backports';
const MIRROR = 'http://deb.debian.org/debian';
/** The oldest Mesa whose lavapipe Dawn accepts (22.3 is refused; 25.0 is what was tested). */
const MIN_MESA_MAJOR = 24;

export function lavapipeDir(dir = toolchainDir()) {
  return join(dir, 'lavapipe');
}

/** The ICD manifest's path (whether or not it exists yet). */
export function lavapipeManifest(dir = toolchainDir()) {
  return join(lavapipeDir(dir), 'lvp_icd.json');
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

function findFile(root, name) {
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const full = join(root, entry.name);
    if (entry.isDirectory()) {
      const found = findFile(full, name);
      if (found) return found;
    } else if (entry.name === name) return full;
  }
  return null;
}

/** Downloads and unpacks lavapipe unless it is already there; returns the manifest's path. */
export function ensureLavapipe(dir = toolchainDir()) {
  const target = lavapipeDir(dir);
  const manifest = lavapipeManifest(dir);
  const marker = join(target, '.complete');
  if (existsSync(marker) && existsSync(manifest)) return manifest;
  if (!existsSync('/etc/debian_version')) throw new Error('lavapipe is fetched with apt: this is not a Debian system');
  const work = mkdtempSync(join(tmpdir(), 'paper-lab-lavapipe-'));
  try {
    const lists = join(work, 'lists');
    mkdirSync(join(lists, 'partial'), { recursive: true });
    const sources = join(work, 'sources.list');
    writeFileSync(sources, `deb ${MIRROR} ${SUITE} main\n`);
    const apt = [
      `-oDir::State::Lists=${lists}`,
      `-oDir::Etc::SourceList=${sources}`,
      '-oDir::Etc::SourceParts=/dev/null',
      '-oAPT::Sandbox::User=root',
      '-qq',
    ];
    if (typeof process.getuid === 'function' && process.getuid() !== 0) apt.pop(); // keep apt's own sandbox user
    run('apt-get', [...apt, 'update']);
    run('apt-get', [...apt, 'download', `mesa-vulkan-drivers/${SUITE}`], { cwd: work });
    const deb = readdirSync(work).find((f) => f.startsWith('mesa-vulkan-drivers_') && f.endsWith('.deb'));
    if (!deb) throw new Error('apt-get download left no mesa-vulkan-drivers package');
    const version = decodeURIComponent(deb.split('_')[1] ?? '');
    const major = Number(version.split('.')[0]);
    if (!(major >= MIN_MESA_MAJOR))
      throw new Error(`${SUITE} has Mesa ${version}; Dawn needs ${MIN_MESA_MAJOR} or later`);
    const root = join(work, 'root');
    run('dpkg-deb', ['-x', join(work, deb), root]);
    const unpacked = findFile(root, 'libvulkan_lvp.so');
    const shipped = findFile(root, 'lvp_icd.json') ?? findFile(root, 'lvp_icd.x86_64.json');
    if (!unpacked || !shipped) throw new Error(`mesa-vulkan-drivers ${version} has no lavapipe`);
    // Only lavapipe is kept (the package's other drivers are for GPUs).
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    const library = join(target, 'libvulkan_lvp.so');
    copyFileSync(unpacked, library);
    const icd = JSON.parse(readFileSync(shipped, 'utf8'));
    icd.ICD.library_path = library;
    writeFileSync(manifest, JSON.stringify(icd, null, 2) + '\n');
    const missing = run('ldd', [library])
      .split('\n')
      .filter((l) => l.includes('not found'))
      .map((l) => l.trim().split(' ')[0]);
    if (missing.length > 0)
      throw new Error(`lavapipe needs ${missing.join(', ')}: install Debian's mesa-vulkan-drivers (apt-get install)`);
    writeFileSync(marker, `${version}\n`);
    return manifest;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    console.log(ensureLavapipe());
  } catch (e) {
    console.error(`software Vulkan: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}

/**
 * Where the software Vulkan driver's manifest is (`node scripts/software-vulkan.mjs` writes it
 * into the toolchain folder), and the environment a child process needs to run WebGPU on it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repo = resolve(__dirname, '..', '..');

/** PAPER_LAB_VULKAN_ICD, or lavapipe's manifest in the toolchain folder (whether or not it exists). */
export function vulkanManifest(): string {
  const toolchain = resolve(process.env['PAPER_LAB_TOOLCHAIN'] ?? join(repo, '.cache', 'toolchain'));
  return process.env['PAPER_LAB_VULKAN_ICD'] ?? join(toolchain, 'lavapipe', 'lvp_icd.json');
}

/** One runtime folder for every child of this process. */
let runtimeDir: string | undefined;

/**
 * This process's environment with the Vulkan loader pointed at `manifest` only, and a private
 * runtime folder (the driver's window-system probe complains without one).
 */
export function vulkanEnv(manifest: string): NodeJS.ProcessEnv {
  runtimeDir ??= mkdtempSync(join(tmpdir(), 'paper-lab-xdg-'));
  return { ...process.env, VK_DRIVER_FILES: manifest, XDG_RUNTIME_DIR: runtimeDir };
}

/**
 * The backend in use, shown in the status bar ("$(chip) wasm"), with the reasons each earlier
 * backend was skipped in its tooltip; the Select Training Backend and Install GPU Backend
 * commands.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { BACKEND_NAMES, type BackendChoice, type BackendReport } from '../shared/runs';
import { Disposable } from './lifecycle';
import type { RunManager } from './runManager';
import { backendSetting } from './settings';

const LAST_REPORT_KEY = 'paperLab.lastBackendReport';

const BACKEND_DETAIL: Readonly<Record<BackendChoice, string>> = {
  auto: 'Start every backend that works; when several do, measure a few steps of the model on each and use the fastest',
  'tensorflow-gpu': 'TensorFlow with CUDA (@tensorflow/tfjs-node-gpu; CUDA 11.2 + cuDNN 8.1)',
  tensorflow: 'TensorFlow on the CPU (@tensorflow/tfjs-node)',
  webgpu: 'WebGPU through Dawn (webgpu package; Vulkan driver)',
  wasm: 'WebAssembly SIMD, shipped with the extension',
  cpu: 'Plain JavaScript, always available',
};

export class BackendStatus extends Disposable {
  private readonly item = this.register(
    vscode.window.createStatusBarItem('paperLab.backend', vscode.StatusBarAlignment.Right, 100),
  );
  private readonly changed = this.register(new vscode.EventEmitter<string>());
  /** Fires with a short description of the backend in use whenever it changes. */
  readonly onDidChange = this.changed.event;
  private report: BackendReport | undefined;

  constructor(
    private readonly memento: vscode.Memento,
    runs: RunManager,
  ) {
    super();
    this.report = memento.get<BackendReport>(LAST_REPORT_KEY);
    this.item.name = 'Paper Lab Backend';
    this.item.command = 'paperLab.selectBackend';
    this.register(
      runs.onDidRunEvent((e) => {
        if (e.kind === 'backend' && e.record.backend) {
          this.report = e.record.backend;
          void this.memento.update(LAST_REPORT_KEY, this.report);
          this.render();
        }
      }),
    );
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('paperLab.backend')) this.render();
      }),
    );
    this.render();
    this.item.show();
  }

  /** e.g. "wasm (auto)" or "auto: not measured yet". */
  get current(): string {
    const setting = backendSetting();
    if (this.report && (setting === 'auto' || setting === this.report.chosen)) {
      return setting === 'auto' ? `${this.report.chosen} (auto)` : this.report.chosen;
    }
    return setting === 'auto' ? 'auto' : `${setting} (selected)`;
  }

  private render(): void {
    this.item.text = `$(chip) ${this.current}`;
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown(`**Paper Lab training backend**: setting \`${backendSetting()}\`\n\n`);
    if (this.report) {
      const calibration = this.report.calibration;
      const how = calibration
        ? calibration.cached
          ? `, the fastest for this model by the throughput measured ${calibration.measuredAt.slice(0, 10)}`
          : ', the fastest for this model by measured throughput'
        : '';
      tooltip.appendMarkdown(`Last run used **${this.report.chosen}**${how}:\n\n`);
      for (const a of this.report.attempts) {
        tooltip.appendMarkdown(`- ${a.ok ? '$(check)' : '$(close)'} \`${a.name}\`: ${a.reason.replace(/\n/g, ' ')}\n`);
      }
    } else {
      tooltip.appendMarkdown('No run yet: the backend is chosen when a run starts.\n');
    }
    tooltip.appendMarkdown('\n[Select Training Backend](command:paperLab.selectBackend)');
    this.item.tooltip = tooltip;
    this.changed.fire(this.current);
  }

  async select(): Promise<void> {
    const current = backendSetting();
    const picked = await vscode.window.showQuickPick(
      (['auto', ...BACKEND_NAMES] as BackendChoice[]).map((name) => ({
        label: name,
        description: name === current ? '(current)' : undefined,
        detail: BACKEND_DETAIL[name],
        name,
      })),
      { title: 'Paper Lab: Select Training Backend', placeHolder: 'Backend for new runs' },
    );
    if (!picked) return;
    await vscode.workspace
      .getConfiguration('paperLab')
      .update('backend', picked.name, vscode.ConfigurationTarget.Global);
  }
}

const INSTALLABLE = [
  {
    label: '@tensorflow/tfjs-node-gpu',
    detail: 'NVIDIA GPU through TensorFlow. Needs CUDA 11.2 and cuDNN 8.1; downloads libtensorflow while installing.',
  },
  { label: '@tensorflow/tfjs-node', detail: 'TensorFlow on the CPU. Downloads libtensorflow while installing.' },
  { label: 'webgpu', detail: 'WebGPU through Dawn (about 21 MB a platform). Needs a Vulkan, Metal or D3D12 driver.' },
];

/**
 * Installs an optional backend package with npm into the extension's global storage, where the
 * training worker also looks for backends. Runs only when the user asks.
 */
export async function installGpuBackend(storagePath: string, log: vscode.LogOutputChannel): Promise<void> {
  const picked = await vscode.window.showQuickPick(INSTALLABLE, {
    title: 'Paper Lab: Install GPU Backend',
    placeHolder: 'Package to install with npm into the extension storage',
  });
  if (!picked) return;
  const prefix = path.join(storagePath, 'backends');
  fs.mkdirSync(prefix, { recursive: true });
  log.show(true);
  log.info(`npm install --prefix ${prefix} ${picked.label}`);
  const code = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Installing ${picked.label}`, cancellable: true },
    (progress, token) =>
      new Promise<number>((resolve) => {
        const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
        const child = spawn(npm, ['install', '--no-audit', '--no-fund', '--prefix', prefix, picked.label], {
          cwd: prefix,
          shell: process.platform === 'win32',
        });
        const onData = (data: Buffer): void => {
          const text = data.toString().trim();
          if (!text) return;
          log.info(text);
          progress.report({ message: text.split('\n').pop()?.slice(0, 80) });
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        token.onCancellationRequested(() => child.kill());
        child.on('error', (error) => {
          log.error(`could not run npm: ${error.message}`);
          resolve(-1);
        });
        child.on('close', (c) => resolve(c ?? -1));
      }),
  );
  if (code === 0) {
    void vscode.window.showInformationMessage(
      `Paper Lab: installed ${picked.label}. New runs try it when the backend is "auto" or set to it.`,
    );
  } else {
    const hint =
      code === -1
        ? 'npm was not found on PATH: install Node.js and npm, then try again.'
        : picked.label.startsWith('@tensorflow')
          ? "Its install script downloads libtensorflow from storage.googleapis.com; without network access, or on a platform it has no binary for, it fails. See the log for npm's output."
          : "See the log for npm's output.";
    void vscode.window
      .showErrorMessage(`Paper Lab: installing ${picked.label} failed. ${hint}`, 'Show Log')
      .then((a) => {
        if (a) log.show();
      });
  }
}

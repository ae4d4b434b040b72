/**
 * The backend in use, shown in the status bar ("$(chip) wasm"), with the reasons each earlier
 * backend was skipped in its tooltip; the Select Training Backend and Install GPU Backend
 * commands.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { OPTIONAL_BACKEND_PACKAGES } from '../shared/backendPackages';
import type { BackendChoice, BackendName, BackendReport } from '../shared/runs';
import { backendChoices } from './backendChoices';
import { backendTooltip } from './backendTooltip';
import { Disposable } from './lifecycle';
import {
  cancelInvocation,
  describeInstallOutcome,
  INSTALLABLE_BACKENDS,
  npmInstallInvocation,
  type InstallResult,
} from './npmInstall';
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
    private readonly extensionPath: string,
    private readonly storagePath: string,
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
    const { markdown, enabledCommands } = backendTooltip(backendSetting(), this.report);
    const tooltip = new vscode.MarkdownString(markdown, true);
    // Command links run only when the string trusts their commands: exactly the ones it links.
    tooltip.isTrusted = { enabledCommands };
    this.item.tooltip = tooltip;
    this.changed.fire(this.current);
  }

  async select(): Promise<void> {
    const current = backendSetting();
    const choices = backendChoices(this.report, (pkg) => this.isInstalled(pkg));
    const picked = await vscode.window.showQuickPick(
      choices.map((choice) => ({
        label: choice.available ? choice.name : `$(warning) ${choice.name}`,
        description: [choice.name === current ? '(current)' : '', choice.available ? '' : 'not available here']
          .filter(Boolean)
          .join(' · '),
        detail: choice.why ? `${BACKEND_DETAIL[choice.name]}. ${choice.why}` : BACKEND_DETAIL[choice.name],
        choice,
      })),
      { title: 'Paper Lab: Select Training Backend', placeHolder: 'Backend for new runs', matchOnDescription: true },
    );
    if (!picked) return;
    const { choice } = picked;
    if (!choice.available) {
      const install = 'Install GPU Backend…';
      const anyway = 'Select Anyway';
      const answer = await vscode.window.showWarningMessage(
        `Paper Lab: ${choice.name} is not available here: ${choice.why ?? 'unknown reason'}. Runs would fail to start.`,
        ...(OPTIONAL_BACKEND_PACKAGES[choice.name as BackendName] ? [install] : []),
        'Use auto',
        anyway,
      );
      if (answer === install) {
        await vscode.commands.executeCommand('paperLab.installGpuBackend');
        return;
      }
      if (answer !== anyway) {
        if (answer === 'Use auto') await this.setBackend('auto');
        return;
      }
    }
    await this.setBackend(choice.name);
  }

  private async setBackend(name: BackendChoice): Promise<void> {
    await vscode.workspace.getConfiguration('paperLab').update('backend', name, vscode.ConfigurationTarget.Global);
  }

  /** Whether an optional backend package resolves where the training worker looks for it. */
  private isInstalled(pkg: string): boolean {
    return [path.join(this.extensionPath, 'dist'), path.join(this.storagePath, 'backends', 'node_modules')].some(
      (dir) => {
        try {
          createRequire(path.join(dir, 'noop.js')).resolve(`${pkg}/package.json`);
          return true;
        } catch {
          return false;
        }
      },
    );
  }
}

/**
 * Installs an optional backend package with npm into the extension's global storage, where the
 * training worker also looks for backends. Runs only when the user asks. The package is pinned to
 * the release matching the bundled TensorFlow.js (see npmInstall.ts, which also builds the command).
 */
export async function installGpuBackend(storagePath: string, log: vscode.LogOutputChannel): Promise<void> {
  const picked = await vscode.window.showQuickPick(
    INSTALLABLE_BACKENDS.map((b) => ({ label: b.label, description: b.spec, detail: b.detail, spec: b.spec })),
    { title: 'Paper Lab: Install GPU Backend', placeHolder: 'Package to install with npm into the extension storage' },
  );
  if (!picked) return;
  const prefix = path.join(storagePath, 'backends');
  fs.mkdirSync(prefix, { recursive: true });
  const invocation = npmInstallInvocation(process.platform, prefix, picked.spec, process.env);
  log.show(true);
  log.info(`npm install --prefix "${prefix}" ${picked.spec}`);
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Installing ${picked.spec}`, cancellable: true },
    (progress, token) =>
      new Promise<InstallResult>((resolve) => {
        let settled = false;
        let cancelled = false;
        const child = spawn(invocation.command, invocation.args, invocation.options);
        const cancelSubscription = token.onCancellationRequested(() => {
          cancelled = true;
          log.info('installation cancelled');
          const kill = child.pid !== undefined ? cancelInvocation(process.platform, child.pid) : undefined;
          if (kill) spawn(kill.command, kill.args, { stdio: 'ignore' }).on('error', () => child.kill());
          else child.kill();
        });
        const settle = (r: InstallResult): void => {
          if (settled) return;
          settled = true;
          cancelSubscription.dispose();
          resolve(r);
        };
        const onData = (data: Buffer): void => {
          const text = data.toString().trim();
          if (!text) return;
          log.info(text);
          progress.report({ message: text.split('\n').pop()?.slice(0, 80) });
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.on('error', (error: NodeJS.ErrnoException) => {
          log.error(`could not run npm: ${error.message}`);
          settle(
            cancelled
              ? { kind: 'cancelled' }
              : {
                  kind: 'spawnFailed',
                  ...(error.code !== undefined ? { code: error.code } : {}),
                  message: error.message,
                },
          );
        });
        child.on('close', (code, signal) =>
          settle(cancelled && code !== 0 ? { kind: 'cancelled' } : { kind: 'exited', code, signal }),
        );
      }),
  );
  const message = describeInstallOutcome(result, picked.spec);
  if (message.severity === 'info') {
    void vscode.window.showInformationMessage(message.text);
    return;
  }
  void vscode.window.showErrorMessage(message.text, ...(message.showLog ? ['Show Log'] : [])).then((a) => {
    if (a) log.show();
  });
}

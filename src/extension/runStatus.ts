/**
 * Progress of the live run in the status bar ("$(sync~spin) FedOpt quick · round 40/100 ·
 * 12.3 rounds/s · ETA 5 s"), and a notification when a run ends or fails.
 */
import { plural } from '../shared/text';
import * as vscode from 'vscode';
import { getPaper, findDemo } from '../models/catalog';
import { Disposable } from './lifecycle';
import type { RunEvent, RunManager } from './runManager';

export class RunStatus extends Disposable {
  private readonly item = this.register(
    vscode.window.createStatusBarItem('paperLab.run', vscode.StatusBarAlignment.Left, 50),
  );

  constructor(
    private readonly runs: RunManager,
    private readonly onOpen: (paper: string, runId: string) => void,
  ) {
    super();
    this.item.name = 'Paper Lab Run';
    this.register(runs.onDidRunEvent((e) => this.onEvent(e)));
  }

  private onEvent(event: RunEvent): void {
    const { record } = event;
    const name = `${getPaper(record.paper).meta.shortName} ${record.preset}`;
    switch (event.kind) {
      case 'started':
        this.item.text = `$(sync~spin) ${name} · starting`;
        this.item.tooltip = `Paper Lab: ${record.runId}\nClick to stop.`;
        this.item.command = { command: 'paperLab.stopRun', title: 'Stop Run', arguments: [record.runId] };
        this.item.show();
        void vscode.commands.executeCommand('setContext', 'paperLab.running', true);
        return;
      case 'progress': {
        const unit = findDemo(record.paper, record.demo)?.stepLabel ?? 'step';
        const remaining = event.stepsPerSecond > 0 ? (event.total - event.step) / event.stepsPerSecond : NaN;
        const eta = Number.isFinite(remaining) ? ` · ETA ${formatSeconds(remaining)}` : '';
        this.item.text = `$(sync~spin) ${name} · ${unit} ${event.step}/${event.total} · ${event.stepsPerSecond.toFixed(1)} ${plural(unit)}/s${eta}`;
        return;
      }
      case 'ended': {
        if (!this.runs.hasLiveRuns) {
          this.item.hide();
          void vscode.commands.executeCommand('setContext', 'paperLab.running', false);
        }
        const claims = event.summary?.claims ?? [];
        const passed = claims.filter((c) => c.pass).length;
        const open = 'Open Run';
        if (record.status === 'completed') {
          void vscode.window
            .showInformationMessage(`Paper Lab: ${name} finished — ${passed}/${claims.length} claims pass.`, open)
            .then((a) => a && this.onOpen(record.paper, record.runId));
        } else if (record.status === 'failed') {
          void vscode.window
            .showErrorMessage(`Paper Lab: ${name} failed: ${record.error ?? 'unknown error'}`, open, 'Show Log')
            .then((a) => {
              if (a === open) this.onOpen(record.paper, record.runId);
              else if (a) void vscode.commands.executeCommand('paperLab.showLog');
            });
        }
        return;
      }
      default:
        return;
    }
  }
}

function formatSeconds(s: number): string {
  if (s < 60) return `${Math.max(0, Math.round(s))} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

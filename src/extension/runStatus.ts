/**
 * Progress of the live run in the status bar ("$(sync~spin) FedOpt quick · round 40/100 ·
 * 12.3 rounds/s · ETA 5 s"), and a notification when a run ends or fails. Clicking the item opens
 * the run it shows (see runStatusModel.ts for which run that is); Stop Run stops a run.
 */
import * as vscode from 'vscode';
import { getPaper, findDemo } from '../models/catalog';
import { Disposable } from './lifecycle';
import type { RunEvent, RunManager } from './runManager';
import { EMPTY_RUN_STATUS, reduceRunStatus, runStatusView, type RunStatusEvent } from './runStatusModel';
import { claimsVerdict, verdictLine } from '../shared/verdict';
import { backendFixes } from './backendChoices';
import { backendSetting } from './settings';

export class RunStatus extends Disposable {
  private readonly item = this.register(
    vscode.window.createStatusBarItem('paperLab.run', vscode.StatusBarAlignment.Left, 50),
  );
  private state = EMPTY_RUN_STATUS;
  private running = false;

  constructor(
    runs: RunManager,
    private readonly onOpen: (paper: string, runId: string) => void,
  ) {
    super();
    this.item.name = 'Paper Lab Run';
    this.register(runs.onDidRunEvent((e) => this.onEvent(e)));
  }

  /** Applies an event and redraws the item, binding its command to the run it now shows. */
  private update(event: RunStatusEvent): void {
    this.state = reduceRunStatus(this.state, event);
    const view = runStatusView(this.state);
    if (view) {
      this.item.text = view.text;
      this.item.tooltip = view.tooltip;
      this.item.command = { ...view.command, arguments: [...view.command.arguments] };
      this.item.show();
    } else {
      this.item.hide();
      this.item.command = undefined;
    }
    const running = view !== undefined;
    if (running !== this.running) {
      this.running = running;
      void vscode.commands.executeCommand('setContext', 'paperLab.running', running);
    }
  }

  private onEvent(event: RunEvent): void {
    const { record } = event;
    const name = `${getPaper(record.paper).meta.shortName} ${record.preset}`;
    switch (event.kind) {
      case 'started': {
        const unit = findDemo(record.paper, record.demo)?.stepLabel ?? 'step';
        this.update({ kind: 'started', run: { runId: record.runId, paper: record.paper, name, unit } });
        return;
      }
      case 'stage':
        this.update({ kind: 'stage', runId: record.runId, text: event.text });
        return;
      case 'progress':
        this.update({
          kind: 'progress',
          runId: record.runId,
          step: event.step,
          total: event.total,
          stepsPerSecond: event.stepsPerSecond,
        });
        return;
      case 'ended': {
        this.update({ kind: 'ended', runId: record.runId });
        const verdict = verdictLine(claimsVerdict(record.status, event.summary?.claims ?? []), record.status);
        const open = 'Open Run';
        if (record.status === 'completed') {
          void vscode.window
            .showInformationMessage(`Paper Lab: ${name} finished${verdict ? ` — ${verdict}` : ''}.`, open)
            .then((a) => a && this.onOpen(record.paper, record.runId));
        } else if (record.status === 'failed') {
          // A backend that could not start: offer the fixes, not only the log.
          const fixes = backendFixes(backendSetting(), record.error);
          void vscode.window
            .showErrorMessage(
              `Paper Lab: ${name} failed: ${record.error ?? 'unknown error'}`,
              ...fixes,
              open,
              'Show Log',
            )
            .then(async (a) => {
              if (a === open) this.onOpen(record.paper, record.runId);
              else if (a === 'Use auto')
                await vscode.workspace
                  .getConfiguration('paperLab')
                  .update('backend', 'auto', vscode.ConfigurationTarget.Global);
              else if (a === 'Install GPU Backend…') await vscode.commands.executeCommand('paperLab.installGpuBackend');
              else if (a) await vscode.commands.executeCommand('paperLab.showLog');
            });
        }
        return;
      }
      default:
        return;
    }
  }
}

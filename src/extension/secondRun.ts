/**
 * Asked before a run starts while another trains in this window: queue it, run it in parallel, or
 * cancel. Two runs side by side share the machine's cores and both slow down, so nothing starts
 * beside another without the user saying so.
 */
import * as os from 'node:os';
import * as vscode from 'vscode';
import type { RunManager } from './runManager';
import { secondRunQuestion } from './runLabels';

export type Admission = 'now' | 'queued' | 'cancelled';

/**
 * Resolves when the run may start: at once when nothing else trains or the user chose to run in
 * parallel; after the other runs end when queued (`onQueued` is called first); 'cancelled' when
 * the user cancelled the question or the wait.
 */
export async function admitRun(runs: RunManager, what: string, onQueued?: () => void): Promise<Admission> {
  const live = runs.liveLabels();
  if (live.length === 0) return 'now';
  const { message, detail } = secondRunQuestion(
    live.map((r) => r.label),
    os.availableParallelism(),
  );
  const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, 'Queue', 'Run in Parallel');
  if (choice === 'Run in Parallel') return 'now';
  if (choice !== 'Queue') return 'cancelled';
  onQueued?.();
  const idle = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Paper Lab: ${what} is queued; it starts when the run training now ends.`,
      cancellable: true,
    },
    (_progress, token) => runs.whenIdle(token),
  );
  return idle ? 'queued' : 'cancelled';
}

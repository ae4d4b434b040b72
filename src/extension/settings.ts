/** Typed access to the `paperLab.*` settings. */
import * as vscode from 'vscode';
import { isBackendChoice, isValidSeed, type BackendChoice } from '../shared/runs';

export function backendSetting(): BackendChoice {
  const value = vscode.workspace.getConfiguration('paperLab').get<string>('backend', 'auto');
  return isBackendChoice(value) ? value : 'auto';
}

export function defaultSeed(): number {
  // The settings editor enforces the schema's range; settings.json does not, so check again.
  const value = vscode.workspace.getConfiguration('paperLab').get<number>('defaultSeed', 0);
  return isValidSeed(value) ? value : 0;
}

export function codeLensEnabled(): boolean {
  return vscode.workspace.getConfiguration('paperLab').get<boolean>('codeLens.enabled', true);
}

export function diagnosticsEnabled(): boolean {
  return vscode.workspace.getConfiguration('paperLab').get<boolean>('annotations.diagnostics', true);
}

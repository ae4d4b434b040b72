/**
 * Paper Lab's extension host entry. Activation only wires things together: no TensorFlow.js is
 * loaded here (training runs in worker threads) and nothing heavy happens until it is used.
 */
import * as vscode from 'vscode';
import { AnnotationHelp } from './annotationHelp';
import { AnnotationIndex } from './annotationIndex';
import { BackendStatus } from './backendStatus';
import { AnnotationDiagnostics, PaperCodeLensProvider } from './codeLens';
import { registerCommands } from './commands';
import { PaperPanels } from './paperPanel';
import { PapersTree } from './papersTree';
import { RunManager } from './runManager';
import { RunStatus } from './runStatus';
import { SourceViewer } from './sourceView';
import { isPaperId } from '../shared/catalog';

export interface PaperLabApi {
  /** Exposed for the extension-host test suite. */
  readonly tree: PapersTree;
  readonly runs: RunManager;
  readonly panels: PaperPanels;
}

export function activate(context: vscode.ExtensionContext): PaperLabApi {
  const own = <T extends vscode.Disposable>(d: T): T => {
    context.subscriptions.push(d);
    return d;
  };
  const extensionPath = context.extensionUri.fsPath;
  const storagePath = context.globalStorageUri.fsPath;

  const log = own(vscode.window.createOutputChannel('Paper Lab', { log: true }));
  const runs = own(new RunManager(extensionPath, storagePath, log));
  const annotations = own(new AnnotationIndex(extensionPath));
  const backend = own(new BackendStatus(context.globalState, runs, extensionPath, storagePath));
  const sources = own(new SourceViewer(context.extensionUri));
  const panels = own(new PaperPanels({ extensionUri: context.extensionUri, runs, annotations, backend, log, sources }));
  const tree = own(new PapersTree(runs));
  own(
    vscode.window.createTreeView('paperLab.papers', {
      treeDataProvider: tree,
      showCollapseAll: true,
      canSelectMany: true,
    }),
  );
  own(
    new RunStatus(runs, (paper, runId) => {
      if (isPaperId(paper)) panels.open(paper, { runId });
    }),
  );

  const lenses = own(new PaperCodeLensProvider());
  own(vscode.languages.registerCodeLensProvider({ pattern: '**' }, lenses));
  own(new AnnotationDiagnostics());
  const help = new AnnotationHelp();
  own(vscode.languages.registerCompletionItemProvider({ pattern: '**' }, help, ' '));
  own(vscode.languages.registerHoverProvider({ pattern: '**' }, help));
  own(
    vscode.languages.registerCodeActionsProvider({ pattern: '**' }, help, {
      providedCodeActionKinds: AnnotationHelp.actionKinds,
    }),
  );

  for (const d of registerCommands({ extensionPath, storagePath, panels, runs, tree, backend, log, sources })) own(d);
  void vscode.commands.executeCommand('setContext', 'paperLab.running', false);
  return { tree, runs, panels };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions (live workers are terminated there).
}

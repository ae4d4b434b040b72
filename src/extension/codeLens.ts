/**
 * CodeLens above `@paper <paper> <ref>` annotations ("FedOpt · FedYogi server update", opening
 * the panel at that equation) and diagnostics for annotations naming an unknown paper or
 * equation. Works in any file, the extension's shipped sources and the user's own.
 */
import * as vscode from 'vscode';
import { checkAnnotations, parseAnnotations } from '../shared/annotations';
import { isPaperId } from '../shared/catalog';
import { PAPERS, equationIndex } from '../models/catalog';
import { Disposable } from './lifecycle';
import { codeLensEnabled, diagnosticsEnabled } from './settings';

export const OPEN_EQUATION_COMMAND = 'paperLab.openEquation';

export class PaperCodeLensProvider extends Disposable implements vscode.CodeLensProvider {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor() {
    super();
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('paperLab.codeLens')) this.changed.fire();
      }),
    );
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!codeLensEnabled()) return [];
    const text = document.getText();
    if (!text.includes('@paper')) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const a of parseAnnotations(text)) {
      if (!isPaperId(a.paper)) continue;
      const paper = PAPERS.find((p) => p.meta.id === a.paper);
      const equation = paper?.equations.find((e) => e.ref === a.ref);
      if (!paper || !equation) continue;
      const number = equation.paperNumber ? ` (Eq. ${equation.paperNumber})` : '';
      lenses.push(
        new vscode.CodeLens(new vscode.Range(a.line, 0, a.line, 0), {
          title: `${paper.meta.shortName} · ${equation.label}${number}`,
          tooltip: `Open ${paper.meta.title} at this equation`,
          command: OPEN_EQUATION_COMMAND,
          arguments: [a.paper, a.ref],
        }),
      );
    }
    return lenses;
  }
}

/** Keeps a diagnostic collection in step with the open documents' annotations. */
export class AnnotationDiagnostics extends Disposable {
  private readonly collection = this.register(vscode.languages.createDiagnosticCollection('paperLab'));
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly index = equationIndex();

  constructor() {
    super();
    this.register(vscode.workspace.onDidOpenTextDocument((d) => this.update(d)));
    this.register(vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)));
    this.register(vscode.workspace.onDidCloseTextDocument((d) => this.collection.delete(d.uri)));
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('paperLab.annotations')) this.refreshAll();
      }),
    );
    this.register({ dispose: () => this.pending.forEach((t) => clearTimeout(t)) });
    this.refreshAll();
  }

  private refreshAll(): void {
    for (const document of vscode.workspace.textDocuments) this.update(document);
  }

  private schedule(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    clearTimeout(this.pending.get(key));
    this.pending.set(
      key,
      setTimeout(() => {
        this.pending.delete(key);
        this.update(document);
      }, 300),
    );
  }

  private update(document: vscode.TextDocument): void {
    if (document.uri.scheme === 'output' || document.uri.scheme === 'vscode-scm') return;
    const text = document.getText();
    if (!diagnosticsEnabled() || !text.includes('@paper')) {
      this.collection.delete(document.uri);
      return;
    }
    const problems = checkAnnotations(parseAnnotations(text), this.index);
    this.collection.set(
      document.uri,
      problems.map(({ annotation: a, message }) => {
        const d = new vscode.Diagnostic(
          new vscode.Range(a.line, a.column, a.line, a.column + a.length),
          message,
          vscode.DiagnosticSeverity.Warning,
        );
        d.source = 'Paper Lab';
        d.code = 'unknown-annotation';
        return d;
      }),
    );
  }
}

/**
 * Writing `@paper` annotations in any file: completion of paper ids and of each paper's equation
 * refs, a hover with the equation (its label, the paper's number where confirmed, its TeX and a link
 * that opens it in the panel), and a quick fix that replaces an unknown id with the closest known
 * ones. The diagnostics themselves come from AnnotationDiagnostics (codeLens.ts).
 */
import * as vscode from 'vscode';
import { closestIds, completionContext } from '../shared/annotationAssist';
import { parseAnnotations } from '../shared/annotations';
import { isPaperId } from '../shared/catalog';
import { PAPERS, equationIndex } from '../models/catalog';
import { OPEN_EQUATION_COMMAND } from './codeLens';

export class AnnotationHelp implements vscode.CompletionItemProvider, vscode.HoverProvider, vscode.CodeActionProvider {
  static readonly actionKinds = [vscode.CodeActionKind.QuickFix];
  private readonly index = equationIndex();

  provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] {
    const before = document.lineAt(position.line).text.slice(0, position.character);
    const context = completionContext(before);
    const replace = (typed: string): vscode.Range =>
      new vscode.Range(position.line, position.character - typed.length, position.line, position.character);
    if (context.kind === 'paper') {
      return PAPERS.map((p, i) => {
        const item = new vscode.CompletionItem(p.meta.id, vscode.CompletionItemKind.Module);
        item.detail = p.meta.shortName;
        item.documentation = p.meta.title;
        item.range = replace(context.typed);
        item.sortText = String(i).padStart(2, '0');
        return item;
      });
    }
    if (context.kind === 'ref' && isPaperId(context.paper)) {
      const paper = PAPERS.find((p) => p.meta.id === context.paper);
      return (paper?.equations ?? []).map((e, i) => {
        const item = new vscode.CompletionItem(e.ref, vscode.CompletionItemKind.Reference);
        item.detail = e.paperNumber ? `${e.label} (Eq. ${e.paperNumber})` : e.label;
        item.documentation = new vscode.MarkdownString().appendCodeblock(e.tex, 'latex');
        item.range = replace(context.typed);
        item.sortText = String(i).padStart(2, '0');
        return item;
      });
    }
    return [];
  }

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const line = document.lineAt(position.line).text;
    if (!line.includes('@paper')) return undefined;
    const a = parseAnnotations(line)[0];
    if (!a || position.character < a.column || position.character > a.column + a.length) return undefined;
    const paper = PAPERS.find((p) => p.meta.id === a.paper);
    const equation = paper?.equations.find((e) => e.ref === a.ref);
    if (!paper || !equation) return undefined;
    const args = encodeURIComponent(JSON.stringify([a.paper, a.ref]));
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${paper.meta.shortName} · ${equation.label}**`);
    if (equation.paperNumber) md.appendMarkdown(` (Eq. ${equation.paperNumber} of the paper)`);
    md.appendCodeblock(equation.tex, 'latex');
    if (equation.note) md.appendMarkdown(`${equation.note}\n\n`);
    md.appendMarkdown(`[Open in the ${paper.meta.shortName} panel](command:${OPEN_EQUATION_COMMAND}?${args})`);
    md.isTrusted = { enabledCommands: [OPEN_EQUATION_COMMAND] };
    return new vscode.Hover(md, new vscode.Range(position.line, a.column, position.line, a.column + a.length));
  }

  provideCodeActions(
    document: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== 'Paper Lab') continue;
      const line = diagnostic.range.start.line;
      const text = document.lineAt(line).text;
      const a = parseAnnotations(text)[0];
      if (!a) continue;
      const refs = this.index.get(a.paper);
      // The id to replace: the paper's when it is unknown, else the equation ref.
      const [typed, known] = refs ? [a.ref, refs] : [a.paper, [...this.index.keys()]];
      if (typed === '') continue;
      const start = text.indexOf(typed, a.column + '@paper'.length + (refs ? a.paper.length : 0));
      if (start < 0) continue;
      for (const id of closestIds(typed, known)) {
        const action = new vscode.CodeAction(`Change to "${id}"`, vscode.CodeActionKind.QuickFix);
        action.edit = new vscode.WorkspaceEdit();
        action.edit.replace(document.uri, new vscode.Range(line, start, line, start + typed.length), id);
        action.diagnostics = [diagnostic];
        action.isPreferred = actions.length === 0;
        actions.push(action);
      }
    }
    return actions;
  }
}

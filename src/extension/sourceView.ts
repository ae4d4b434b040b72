/**
 * The shipped paper implementations, opened for reading: a read-only document per source file
 * (`paper-lab-source:/src/models/fedopt/server.ts`), opened at a line with that line selected and
 * highlighted. Edits to the installed files would have no effect and the type checker cannot see
 * the extension's dependencies from there, so they are shown as what they are: a reference to read,
 * with "Copy to Workspace" for anyone who wants to change one.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Disposable } from './lifecycle';
import { firstAnnotatedLine, shippedPath } from './sourcePaths';

export const SOURCE_SCHEME = 'paper-lab-source';

export class SourceViewer extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly highlight = this.register(
    vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
      overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.rangeHighlightForeground'),
      overviewRulerLane: vscode.OverviewRulerLane.Full,
    }),
  );

  constructor(private readonly extensionUri: vscode.Uri) {
    super();
    this.register(vscode.workspace.registerTextDocumentContentProvider(SOURCE_SCHEME, this));
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const relative = shippedPath(uri.path);
    if (!relative) throw new Error(`Paper Lab: ${uri.path} is not a shipped source file`);
    return new TextDecoder().decode(
      await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.extensionUri, relative)),
    );
  }

  /** The read-only URI of a shipped file given relative to the extension root, or its file URI. */
  uriOf(fileOrRelative: string | vscode.Uri): vscode.Uri | undefined {
    const relative =
      typeof fileOrRelative === 'string'
        ? fileOrRelative
        : path.relative(this.extensionUri.fsPath, fileOrRelative.fsPath).split(path.sep).join('/');
    const checked = shippedPath(relative);
    return checked === undefined ? undefined : vscode.Uri.from({ scheme: SOURCE_SCHEME, path: `/${checked}` });
  }

  /**
   * Opens a shipped source read-only at `line` (default: its first annotation), with the line
   * selected, revealed in the middle and highlighted.
   */
  async open(relative: string, line?: number, column: vscode.ViewColumn = vscode.ViewColumn.Active): Promise<void> {
    const uri = this.uriOf(relative);
    if (!uri) throw new Error(`Paper Lab: ${relative} is not a shipped source file`);
    const document = await this.readOnly(uri);
    await this.show(document, line ?? firstAnnotatedLine(document.getText()), column);
  }

  /** Opens a code location with its line highlighted: a shipped source read-only, any other file as it is. */
  async openLocation(file: vscode.Uri, line: number, column: vscode.ViewColumn): Promise<void> {
    const shipped = file.scheme === 'file' ? this.uriOf(file) : undefined;
    const document = shipped ? await this.readOnly(shipped) : await vscode.workspace.openTextDocument(file);
    await this.show(document, line, column);
  }

  /** The read-only document of a shipped source, read as TypeScript. */
  private async readOnly(uri: vscode.Uri): Promise<vscode.TextDocument> {
    const document = await vscode.workspace.openTextDocument(uri);
    return document.languageId === 'typescript'
      ? document
      : vscode.languages.setTextDocumentLanguage(document, 'typescript');
  }

  /** Shows a document with `line` selected, centred and highlighted. */
  async show(document: vscode.TextDocument, line: number, column: vscode.ViewColumn): Promise<void> {
    const target = Math.max(0, Math.min(line, document.lineCount - 1));
    const range = document.lineAt(target).range;
    const editor = await vscode.window.showTextDocument(document, {
      viewColumn: column,
      selection: new vscode.Range(range.start, range.start),
      preview: false,
    });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenter);
    editor.setDecorations(this.highlight, [range]);
  }

  /** Saves a copy of the active read-only source where the user chooses (in the workspace by default). */
  async copyToWorkspace(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const uri = editor?.document.uri;
    if (!editor || uri?.scheme !== SOURCE_SCHEME) {
      void vscode.window.showInformationMessage(
        'Paper Lab: open an implementation first (Paper Lab: Open Implementation).',
      );
      return;
    }
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = path.posix.basename(uri.path);
    const target = await vscode.window.showSaveDialog({
      title: 'Paper Lab: Copy Implementation to Workspace',
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
      filters: { TypeScript: ['ts'] },
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(editor.document.getText()));
    await vscode.window.showTextDocument(target, { preview: false });
  }
}

/**
 * Where each equation is implemented: `@paper` annotations found in the extension's shipped
 * model sources and in the user's workspace files. Feeds the panel's "Implemented in" lists.
 *
 * Every file is read through `vscode.workspace.fs` (never Node's fs), so annotations are found in
 * virtual and remote workspaces as well; files are only read as text, never run.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseAnnotations } from '../shared/annotations';
import type { CodeLocation } from '../shared/webviewProtocol';
import { Disposable } from './lifecycle';

/** File types searched in the workspace; annotations in other files still get CodeLenses when opened. */
const WORKSPACE_GLOB = '**/*.{py,ts,tsx,js,jsx,mjs,cjs,jl,r,R,cpp,cc,c,h,hpp,cu,rs,go,java,scala,swift,m,lua,sh,ipynb}';
const WORKSPACE_EXCLUDE = '**/{node_modules,.git,dist,out,build,.venv,venv,__pycache__,.cache}/**';
const MAX_WORKSPACE_FILES = 3000;
const MAX_FILE_BYTES = 2_000_000;

type Locations = Map<string, CodeLocation[]>; // key `${paper} ${ref}`

export class AnnotationIndex extends Disposable {
  private shipped: Promise<Locations> | undefined;
  private readonly workspace = new Map<string, { paper: string; ref: string; location: CodeLocation }[]>();
  private workspaceScanned: Promise<void> | undefined;
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /** Fires when workspace annotations change (a file saved, created or deleted). */
  readonly onDidChange = this.changed.event;

  constructor(private readonly extensionPath: string) {
    super();
    const watcher = this.register(vscode.workspace.createFileSystemWatcher(WORKSPACE_GLOB));
    const rescan = (uri: vscode.Uri): void => void this.scanWorkspaceFile(uri).then(() => this.changed.fire());
    this.register(watcher.onDidChange(rescan));
    this.register(watcher.onDidCreate(rescan));
    this.register(
      watcher.onDidDelete((uri) => {
        if (this.workspace.delete(uri.toString())) this.changed.fire();
      }),
    );
  }

  /** Locations of every equation of a paper, keyed by equation ref; shipped sources first. */
  async locationsFor(paper: string): Promise<Record<string, CodeLocation[]>> {
    await this.scanWorkspace();
    const result: Record<string, CodeLocation[]> = {};
    for (const [key, locations] of await this.shippedLocations()) {
      const [p, ref] = key.split(' ') as [string, string];
      if (p === paper) result[ref] = [...locations];
    }
    for (const entries of this.workspace.values()) {
      for (const { paper: p, ref, location } of entries) {
        if (p === paper) (result[ref] ??= []).push(location);
      }
    }
    return result;
  }

  /** True if `uri` is one of the locations this index knows (the panel may only open those). */
  async isKnownLocation(uri: string, line: number): Promise<boolean> {
    const all = [...(await this.shippedLocations()).values()].flat();
    await this.scanWorkspace();
    for (const entries of this.workspace.values()) all.push(...entries.map((e) => e.location));
    return all.some((l) => l.uri === uri && l.line === line);
  }

  /** The shipped sources, scanned once: they do not change while the extension runs. */
  private shippedLocations(): Promise<Locations> {
    this.shipped ??= this.scanShipped();
    return this.shipped;
  }

  private async scanShipped(): Promise<Locations> {
    const found: Locations = new Map();
    const root = vscode.Uri.file(path.join(this.extensionPath, 'src', 'models'));
    for (const uri of await listFiles(root, (name) => name.endsWith('.ts'))) {
      let text: string;
      try {
        text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      } catch {
        continue;
      }
      if (!text.includes('@paper')) continue;
      const relative = path.relative(this.extensionPath, uri.fsPath).split(path.sep).join('/');
      for (const a of parseAnnotations(text)) {
        const key = `${a.paper} ${a.ref}`;
        const location: CodeLocation = {
          label: `${relative}:${a.target + 1}`,
          uri: uri.toString(),
          line: a.target,
          shipped: true,
        };
        found.set(key, [...(found.get(key) ?? []), location]);
      }
    }
    return found;
  }

  private scanWorkspace(): Promise<void> {
    this.workspaceScanned ??= (async () => {
      if (!vscode.workspace.workspaceFolders?.length) return;
      let files: vscode.Uri[];
      try {
        files = await vscode.workspace.findFiles(WORKSPACE_GLOB, WORKSPACE_EXCLUDE, MAX_WORKSPACE_FILES);
      } catch {
        // A virtual file system without file search: annotations still show as CodeLenses in open files.
        return;
      }
      for (const uri of files) await this.scanWorkspaceFile(uri);
    })();
    return this.workspaceScanned;
  }

  private async scanWorkspaceFile(uri: vscode.Uri): Promise<void> {
    if (uri.fsPath.startsWith(path.join(this.extensionPath, 'src'))) return;
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size > MAX_FILE_BYTES) return;
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      if (!text.includes('@paper')) {
        this.workspace.delete(uri.toString());
        return;
      }
      const label = vscode.workspace.asRelativePath(uri);
      this.workspace.set(
        uri.toString(),
        parseAnnotations(text)
          .filter((a) => a.ref !== '')
          .map((a) => ({
            paper: a.paper,
            ref: a.ref,
            location: { label: `${label}:${a.target + 1}`, uri: uri.toString(), line: a.target, shipped: false },
          })),
      );
    } catch {
      this.workspace.delete(uri.toString());
    }
  }
}

/** Files under a folder (recursively) whose name `accept`s, sorted by path; none when it does not exist. */
async function listFiles(dir: vscode.Uri, accept: (name: string) => boolean): Promise<vscode.Uri[]> {
  let entries: [string, vscode.FileType][];
  try {
    entries = await vscode.workspace.fs.readDirectory(dir);
  } catch {
    return [];
  }
  const out: vscode.Uri[] = [];
  for (const [name, type] of entries) {
    const child = vscode.Uri.joinPath(dir, name);
    if ((type & vscode.FileType.Directory) !== 0) out.push(...(await listFiles(child, accept)));
    else if ((type & vscode.FileType.File) !== 0 && accept(name)) out.push(child);
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Where each equation is implemented: `@paper` annotations found in the extension's shipped
 * model sources and in the user's workspace files. Feeds the panel's "Implemented in" lists.
 */
import * as fs from 'node:fs';
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
  private shipped: Locations | undefined;
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
    for (const [key, locations] of this.shippedLocations()) {
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
    const all = [...this.shippedLocations().values()].flat();
    await this.scanWorkspace();
    for (const entries of this.workspace.values()) all.push(...entries.map((e) => e.location));
    return all.some((l) => l.uri === uri && l.line === line);
  }

  /** The shipped sources, scanned once: they do not change while the extension runs. */
  private shippedLocations(): Locations {
    if (this.shipped) return this.shipped;
    const found: Locations = new Map();
    const root = path.join(this.extensionPath, 'src', 'models');
    for (const file of listFiles(root, (f) => f.endsWith('.ts'))) {
      const text = fs.readFileSync(file, 'utf8');
      if (!text.includes('@paper')) continue;
      const relative = path.relative(this.extensionPath, file).split(path.sep).join('/');
      for (const a of parseAnnotations(text)) {
        const key = `${a.paper} ${a.ref}`;
        const location: CodeLocation = {
          label: `${relative}:${a.target + 1}`,
          uri: vscode.Uri.file(file).toString(),
          line: a.target,
          shipped: true,
        };
        found.set(key, [...(found.get(key) ?? []), location]);
      }
    }
    this.shipped = found;
    return found;
  }

  private scanWorkspace(): Promise<void> {
    this.workspaceScanned ??= (async () => {
      if (!vscode.workspace.workspaceFolders?.length) return;
      const files = await vscode.workspace.findFiles(WORKSPACE_GLOB, WORKSPACE_EXCLUDE, MAX_WORKSPACE_FILES);
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

function listFiles(dir: string, accept: (file: string) => boolean): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full, accept));
    else if (accept(full)) out.push(full);
  }
  return out.sort();
}

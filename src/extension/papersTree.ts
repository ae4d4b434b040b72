/**
 * The "Papers" tree in the Paper Lab activity bar view:
 *
 *   Recurrent Independent Mechanisms …        (paper: click opens the panel)
 *     ├─ Equations: one item per key equation (click opens the panel at it)
 *     └─ Runs: past and live runs, newest first (click reopens the run with its plots)
 */
import * as vscode from 'vscode';
import type { Equation, PaperDescriptor, PaperId } from '../shared/catalog';
import type { RunListItem } from '../shared/webviewProtocol';
import { PAPERS } from '../models/catalog';
import { Disposable } from './lifecycle';
import type { RunManager } from './runManager';

export type PaperNode =
  | { readonly kind: 'paper'; readonly paper: PaperDescriptor }
  | { readonly kind: 'group'; readonly paper: PaperId; readonly group: 'equations' | 'runs' }
  | { readonly kind: 'equation'; readonly paper: PaperId; readonly equation: Equation }
  | { readonly kind: 'run'; readonly paper: PaperId; readonly run: RunListItem };

const STATUS_ICON: Readonly<Record<RunListItem['status'], vscode.ThemeIcon>> = {
  running: new vscode.ThemeIcon('sync~spin'),
  completed: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  stopped: new vscode.ThemeIcon('debug-stop'),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  interrupted: new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')),
};

/** A completed run whose claims did not all hold: completed, but not green. */
const CLAIMS_FAILED_ICON = new vscode.ThemeIcon('close', new vscode.ThemeColor('testing.iconFailed'));

function runIcon(run: RunListItem): vscode.ThemeIcon {
  return run.status === 'completed' && run.verdict === 'failed' ? CLAIMS_FAILED_ICON : STATUS_ICON[run.status];
}

export class PapersTree extends Disposable implements vscode.TreeDataProvider<PaperNode> {
  private readonly changed = this.register(new vscode.EventEmitter<PaperNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly runs: RunManager) {
    super();
    this.register(runs.onDidChangeRuns(() => this.refresh()));
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(node?: PaperNode): PaperNode[] {
    if (!node) return PAPERS.map((paper) => ({ kind: 'paper', paper }));
    switch (node.kind) {
      case 'paper':
        return [
          { kind: 'group', paper: node.paper.meta.id, group: 'equations' },
          { kind: 'group', paper: node.paper.meta.id, group: 'runs' },
        ];
      case 'group':
        if (node.group === 'equations') {
          return (PAPERS.find((p) => p.meta.id === node.paper)?.equations ?? []).map((equation) => ({
            kind: 'equation',
            paper: node.paper,
            equation,
          }));
        }
        return this.runs.list(node.paper).map((run) => ({ kind: 'run', paper: node.paper, run }));
      default:
        return [];
    }
  }

  getTreeItem(node: PaperNode): vscode.TreeItem {
    switch (node.kind) {
      case 'paper': {
        const { meta, demos } = node.paper;
        // The short name first: a long title truncates, and the short name is what people call the paper.
        const item = new vscode.TreeItem(meta.shortName, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `paper:${meta.id}`;
        item.description = meta.title;
        item.tooltip = new vscode.MarkdownString(
          `**${meta.title}**\n\n${meta.authors.join(', ')} · ${meta.venue}\n\n${meta.tagline}`,
        );
        item.iconPath = new vscode.ThemeIcon('book');
        item.contextValue = demos.length > 0 ? 'paper.runnable' : 'paper';
        item.command = { command: 'paperLab.openPaper', title: 'Open Paper', arguments: [meta.id] };
        return item;
      }
      case 'group': {
        const count = node.group === 'runs' ? this.runs.list(node.paper).length : undefined;
        const item = new vscode.TreeItem(
          node.group === 'equations' ? 'Equations' : 'Runs',
          node.group === 'runs' && count === 0
            ? vscode.TreeItemCollapsibleState.None
            : vscode.TreeItemCollapsibleState.Collapsed,
        );
        item.id = `${node.group}:${node.paper}`;
        item.iconPath = new vscode.ThemeIcon(node.group === 'equations' ? 'symbol-operator' : 'history');
        if (count !== undefined) item.description = count === 0 ? 'none yet' : String(count);
        item.contextValue = `group.${node.group}`;
        return item;
      }
      case 'equation': {
        const { equation } = node;
        const item = new vscode.TreeItem(equation.label, vscode.TreeItemCollapsibleState.None);
        item.id = `equation:${node.paper}:${equation.ref}`;
        // The paper's own number where it is confirmed; the label already names the equation otherwise.
        if (equation.paperNumber) item.description = `Eq. ${equation.paperNumber}`;
        item.tooltip = equation.note ?? equation.label;
        item.iconPath = new vscode.ThemeIcon('symbol-numeric');
        item.contextValue = 'equation';
        item.command = {
          command: 'paperLab.openEquation',
          title: 'Open Equation',
          arguments: [node.paper, equation.ref],
        };
        return item;
      }
      case 'run': {
        const { run } = node;
        const started = new Date(run.startedAt);
        const item = new vscode.TreeItem(`${run.preset} · seed ${run.seed}`, vscode.TreeItemCollapsibleState.None);
        // Keyed by folder: a copied run folder keeps its runId.
        item.id = `run:${run.folder}`;
        // What the run showed comes before when it ran: the date is the first thing truncation may cut.
        item.description = [
          run.status === 'completed' ? run.claimsLine : run.status,
          run.demo,
          started.toLocaleString(),
        ]
          .filter(Boolean)
          .join(' · ');
        item.tooltip = new vscode.MarkdownString(
          `**${run.runId}**${run.folder !== run.runId ? ` (folder ${run.folder})` : ''}\n\nstatus: ${run.status}${run.backend ? `\n\nbackend: ${run.backend}` : ''}${run.claimsLine ? `\n\n${run.claimsLine}` : ''}`,
        );
        item.iconPath = runIcon(run);
        item.contextValue = run.status === 'running' ? 'run.running' : 'run.done';
        item.command = { command: 'paperLab.openRun', title: 'Open Run', arguments: [node.paper, run.folder] };
        return item;
      }
    }
  }
}

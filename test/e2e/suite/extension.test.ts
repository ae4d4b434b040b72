/**
 * Tests that run inside a real VS Code extension host (code-server or VS Code desktop): the
 * extension activates, its manifest and its registered commands agree, the tree lists the
 * papers, a paper panel opens, and `@paper` annotations get diagnostics and CodeLenses.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { PAPERS } from '../../../src/models/catalog';
import type { PaperLabApi } from '../../../src/extension/extension';
import { waitFor } from './util';

const EXTENSION_ID = 'paper-lab.paper-lab';
const PANEL_VIEW_TYPE = 'paperLab.paper';

interface ContributedCommand {
  readonly command: string;
}
interface Manifest {
  readonly contributes?: {
    readonly commands?: readonly ContributedCommand[];
    readonly views?: Readonly<Record<string, readonly { readonly id: string }[]>>;
  };
}

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this VS Code`);
  return ext;
}

function isTreeProvider(value: unknown): value is vscode.TreeDataProvider<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Record<'getChildren' | 'getTreeItem', unknown>>;
  return typeof v.getChildren === 'function' && typeof v.getTreeItem === 'function';
}

/** The papers tree's data provider, exported by `activate()` (directly or as one of its properties). */
function treeProvider(exports: unknown): vscode.TreeDataProvider<unknown> {
  if (isTreeProvider(exports)) return exports;
  if (typeof exports === 'object' && exports !== null) {
    for (const value of Object.values(exports)) if (isTreeProvider(value)) return value;
  }
  assert.fail(
    'activate() must return an object exposing the papers TreeDataProvider (e.g. { papersTree }); ' +
      `it returned ${exports === undefined ? 'undefined' : `an object with keys ${Object.keys(exports ?? {}).join(', ')}`}`,
  );
}

/** The API `activate()` returns (tree, runs, panels). */
function paperLab(exports: unknown): PaperLabApi {
  assert.ok(typeof exports === 'object' && exports !== null && 'runs' in exports, 'activate() returned no runs API');
  return exports as PaperLabApi;
}

function labelText(item: vscode.TreeItem): string {
  const l = item.label;
  return typeof l === 'string' ? l : (l?.label ?? '');
}

function paperTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(PANEL_VIEW_TYPE));
}

function describeTabs(): string {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .map((t) => `${t.label} (${t.input instanceof vscode.TabInputWebview ? t.input.viewType : typeof t.input})`)
    .join('; ');
}

export function defineExtensionTests(): void {
  describe('Paper Lab in a VS Code extension host', function () {
    let tmp = '';

    before(function () {
      tmp = mkdtempSync(join(tmpdir(), 'paper-lab-e2e-'));
    });

    after(async function () {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      rmSync(tmp, { recursive: true, force: true });
    });

    /** Writes a source file into the test's folder and shows it in an editor. */
    async function openSource(name: string, text: string): Promise<vscode.Uri> {
      const uri = vscode.Uri.file(join(tmp, name));
      writeFileSync(uri.fsPath, text);
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      return uri;
    }

    it('activates', async function () {
      const ext = extension();
      await ext.activate();
      assert.equal(ext.isActive, true, 'extension did not become active');
    });

    it('registers every contributed command, and contributes every registered paperLab command', async function () {
      const ext = extension();
      await ext.activate();
      const manifest = ext.packageJSON as Manifest;
      const contributed = (manifest.contributes?.commands ?? []).map((c) => c.command);
      assert.ok(contributed.length > 0, 'package.json contributes no commands');
      const registered = new Set(await vscode.commands.getCommands(true));
      const missing = contributed.filter((c) => !registered.has(c));
      assert.deepEqual(missing, [], `contributed in package.json but not registered: ${missing.join(', ')}`);

      // Commands VS Code generates for contributed views (e.g. `paperLab.papers.focus`) are not the extension's.
      const viewIds = Object.values(manifest.contributes?.views ?? {})
        .flat()
        .map((v) => v.id);
      const own = [...registered].filter(
        (c) => c.startsWith('paperLab.') && !viewIds.some((v) => c === v || c.startsWith(`${v}.`)),
      );
      const undeclared = own.filter((c) => !contributed.includes(c));
      assert.deepEqual(undeclared, [], `registered but not contributed in package.json: ${undeclared.join(', ')}`);
    });

    it('lists the seven papers in the tree', async function () {
      const ext = extension();
      const exports: unknown = await ext.activate();
      const provider = treeProvider(exports);
      const roots = (await provider.getChildren(undefined)) ?? [];
      const items = await Promise.all(roots.map((r) => provider.getTreeItem(r)));
      const papers = items.filter((i) => /^paper/.test(i.contextValue ?? ''));
      const labels = papers.map(labelText);
      assert.equal(papers.length, 7, `expected 7 paper items, got ${papers.length}: ${labels.join(' | ')}`);
      assert.equal(PAPERS.length, 7, 'the catalog should hold seven papers');
      for (const p of PAPERS) {
        assert.ok(
          labels.some((l) => l === p.meta.title || l === p.meta.shortName || l.includes(p.meta.title)),
          `no tree item for "${p.meta.title}" among: ${labels.join(' | ')}`,
        );
      }
    });

    it('opens the FedOpt panel with paperLab.openPaper', async function () {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.commands.executeCommand('paperLab.openPaper', 'fedopt');
      const tab = await waitFor(
        `a ${PANEL_VIEW_TYPE} webview tab (tabs: ${describeTabs()})`,
        () => paperTabs()[0],
        15_000,
      );
      assert.ok(tab.label.length > 0, 'the panel tab has no title');
    });

    it('reports an unknown equation ref as a diagnostic', async function () {
      const uri = await openSource('unknown_ref.ts', '// @paper fedopt nonexistent\nexport const serverStep = 1;\n');
      const diag = await waitFor(
        'a diagnostic on the `@paper fedopt nonexistent` line',
        () => vscode.languages.getDiagnostics(uri).find((d) => d.range.start.line === 0),
        15_000,
      );
      assert.match(diag.message, /nonexistent/, `diagnostic message should name the ref: "${diag.message}"`);
    });

    it('completes paper ids and equation refs, shows the equation on hover, and fixes a misspelt ref', async function () {
      const uri = await openSource(
        'assist.py',
        '# @paper \n# @paper fedopt \n# @paper fedopt pseudo-gradient\n# @paper fedopt pseudo-gradiant\nx = 1\n',
      );
      const labels = async (line: number, character: number): Promise<string[]> => {
        const list = await vscode.commands.executeCommand<vscode.CompletionList>(
          'vscode.executeCompletionItemProvider',
          uri,
          new vscode.Position(line, character),
        );
        return list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      };
      const papers = await labels(0, 9);
      for (const p of PAPERS) assert.ok(papers.includes(p.meta.id), `no completion for paper ${p.meta.id}`);
      const refs = await labels(1, 16);
      const fedopt = PAPERS.find((p) => p.meta.id === 'fedopt');
      for (const e of fedopt?.equations ?? []) assert.ok(refs.includes(e.ref), `no completion for ref ${e.ref}`);

      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        uri,
        new vscode.Position(2, 12),
      );
      const hoverText = hovers
        .flatMap((h) => h.contents)
        .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
        .join('\n');
      const equation = fedopt?.equations.find((e) => e.ref === 'pseudo-gradient');
      assert.ok(equation && hoverText.includes(equation.tex), `the hover shows the TeX: ${hoverText.slice(0, 200)}`);

      const diag = await waitFor(
        'a diagnostic on the misspelt ref',
        () => vscode.languages.getDiagnostics(uri).find((d) => d.range.start.line === 3),
        15_000,
      );
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        uri,
        diag.range,
        vscode.CodeActionKind.QuickFix.value,
      );
      const fix = actions.find((a) => a.title === 'Change to "pseudo-gradient"');
      assert.ok(fix?.edit, `no quick fix to "pseudo-gradient": ${actions.map((a) => a.title).join(', ')}`);
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      const doc = await vscode.workspace.openTextDocument(uri);
      assert.equal(doc.lineAt(3).text, '# @paper fedopt pseudo-gradient');
    });

    it('shows a CodeLens on a valid annotation that opens the paper', async function () {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      const uri = await openSource('valid_ref.ts', '// @paper fedopt pseudo-gradient\nexport const delta = 0;\n');
      const lens = await waitFor(
        'a Paper Lab CodeLens on the annotated line',
        async () => {
          const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>(
            'vscode.executeCodeLensProvider',
            uri,
            100,
          );
          return (lenses ?? []).find((l) => l.range.start.line <= 1 && l.command?.command.startsWith('paperLab.'));
        },
        15_000,
        250,
      );
      const command = lens.command;
      assert.ok(command, 'the CodeLens has no command');
      assert.match(command.title, /FedOpt/, `CodeLens title should name the paper: "${command.title}"`);
      assert.deepEqual(paperTabs(), [], 'no panel should be open before the CodeLens is followed');
      await vscode.commands.executeCommand(command.command, ...(command.arguments ?? []));
      await waitFor(`the paper panel after following the CodeLens (tabs: ${describeTabs()})`, () => paperTabs()[0]);
    });
    it('refuses an invalid config before a run starts, naming the field', async function () {
      const api = paperLab(await extension().activate());
      const before = api.runs.list('fedopt').length;
      await assert.rejects(
        api.runs.start({ paper: 'fedopt', demo: 'compare', preset: 'quick', config: { rounds: -3 }, seed: 0 }),
        (e: unknown) => e instanceof Error && /rounds: must be an integer/.test(e.message),
      );
      assert.equal(api.runs.list('fedopt').length, before, 'an invalid config must not create a run');
    });

    it('runs one config at two seeds in turn, and compares runs of one demo only', async function () {
      this.timeout(240_000);
      const api = paperLab(await extension().activate());
      const config = { rounds: 6, roundCap: 6, lrSweep: false };
      const folders = await vscode.commands.executeCommand<string[] | undefined>('paperLab.runSeeds', {
        paper: 'fedopt',
        demo: 'compare',
        preset: 'quick',
        config,
        seeds: [4, 5],
      });
      assert.ok(folders, 'Run Seeds returned no runs');
      assert.equal(folders.length, 2);
      const records = folders.map((f) => api.runs.store.read(f, false)?.record);
      assert.deepEqual(
        records.map((r) => [r?.seed, r?.status, r?.config['rounds']]),
        [
          [4, 'completed', 6],
          [5, 'completed', 6],
        ],
      );
      // The second seed starts only after the first has ended.
      const [a, b] = records;
      assert.ok(a?.endedAt && b && b.startedAt >= a.endedAt, `${a?.endedAt} then ${b?.startedAt}`);
      const compared = await vscode.commands.executeCommand<string[] | undefined>(
        'paperLab.compareRuns',
        undefined,
        folders,
      );
      assert.deepEqual(compared, folders);
      const missing = await vscode.commands.executeCommand<string[] | undefined>('paperLab.compareRuns', undefined, [
        folders[0],
        'no-such-run',
      ]);
      assert.equal(missing, undefined, 'a run that does not exist must not be compared');
      // Export Run writes the metrics, the claims and each plot as SVG and PNG, from what is on disk.
      const parent = mkdtempSync(join(tmpdir(), 'paper-lab-export-'));
      try {
        const target = await vscode.commands.executeCommand<string | undefined>(
          'paperLab.exportRun',
          folders[0],
          parent,
        );
        assert.ok(target, 'Export Run returned no folder');
        const files = readdirSync(target).sort();
        const plots = PAPERS.find((p) => p.meta.id === 'fedopt')?.demos[0]?.plots.map((p) => p.id) ?? [];
        assert.ok(plots.length > 0);
        assert.deepEqual(
          files,
          ['claims.md', 'metrics.csv', ...plots.flatMap((id) => [`${id}.png`, `${id}.svg`])].sort(),
        );
        const png = readFileSync(join(target, `${plots[0]}.png`));
        assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47], 'a PNG file');
        assert.match(readFileSync(join(target, 'claims.md'), 'utf8'), /\| Seed +\| 4 +\|/);
      } finally {
        rmSync(parent, { recursive: true, force: true });
      }
    });

    it('stops a run in its worker and keeps what it wrote', async function () {
      this.timeout(120_000);
      const api = paperLab(await extension().activate());
      const record = await api.runs.start({
        paper: 'fedopt',
        demo: 'compare',
        preset: 'quick',
        config: { rounds: 500 },
        seed: 3,
      });
      const points: number[] = [];
      const sub = api.runs.onDidRunEvent((e) => {
        if (e.record.runId === record.runId && e.kind === 'metrics') points.push(...e.points.map((p) => p.step));
      });
      try {
        await waitFor('a few rounds of the live run', () => points.length >= 3, 90_000, 200);
        const ended = new Promise<string>((resolve) => {
          const done = api.runs.onDidRunEvent((e) => {
            if (e.record.runId === record.runId && e.kind === 'ended') {
              done.dispose();
              resolve(e.record.status);
            }
          });
        });
        assert.equal(api.runs.stop(record.runId), true);
        assert.equal(await ended, 'stopped');
        const stored = api.runs.store.read(record.runId, false);
        assert.ok(stored, 'the stopped run has no record on disk');
        assert.equal(stored.record.status, 'stopped');
        assert.ok(stored.points.length >= 3, `only ${stored.points.length} metric points were kept`);
        assert.ok(stored.points.length < 500, 'the run did not stop early');
        assert.equal(stored.summary?.status, 'stopped');
        assert.equal(api.runs.isLive(record.runId), false);
        // The run's command line reproduces it: same preset, seed and backend, only the changed field set.
        const line = await vscode.commands.executeCommand<string | undefined>('paperLab.copyRunCommand', record.runId);
        assert.match(
          line ?? '(nothing returned)',
          /^npx paper-lab run fedopt --demo compare --preset quick --seed 3 --backend \S+ --set rounds=500$/,
        );
      } finally {
        sub.dispose();
      }
    });
  });
}

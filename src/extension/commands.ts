/**
 * Command handlers. Commands accept arguments from the tree (a PaperNode), from CodeLenses and
 * other commands (paper id, equation ref, run id), or none (then they ask with a quick pick).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isPaperId, type DemoDescriptor, type PaperId } from '../shared/catalog';
import { isRecord } from '../shared/messages';
import { findDemo, PAPERS, getPaper } from '../models/catalog';
import { checkNewRunFolder, readRun } from '../models/engine/recorder';
import { exportFiles, writeFolderAtomic } from '../models/engine/runExport';
import { runCommandLine } from '../shared/runCommand';
import { parseSeedList } from '../shared/runs';
import { plural } from '../shared/text';
import { presetTime, presetTimeLine, readPresetTimes, type PresetTime } from './presetTimes';
import { installGpuBackend, type BackendStatus } from './backendStatus';
import type { PaperPanels } from './paperPanel';
import type { PapersTree } from './papersTree';
import { ConfigError, type RunManager, type StartRequest } from './runManager';
import { defaultSeed } from './settings';
import { admitRun } from './secondRun';
import type { SourceViewer } from './sourceView';

export interface CommandServices {
  readonly extensionPath: string;
  readonly storagePath: string;
  readonly panels: PaperPanels;
  readonly runs: RunManager;
  readonly tree: PapersTree;
  readonly backend: BackendStatus;
  readonly log: vscode.LogOutputChannel;
  readonly sources: SourceViewer;
}

/** The measured preset times shipped with the extension (none when the file is missing or malformed). */
function presetTimes(extensionPath: string): PresetTime[] {
  try {
    return readPresetTimes(JSON.parse(fs.readFileSync(path.join(extensionPath, 'media', 'preset-times.json'), 'utf8')));
  } catch {
    return [];
  }
}

/** The paper an argument refers to: a paper id, or a tree node carrying one. */
function paperOf(arg: unknown): PaperId | undefined {
  if (isPaperId(arg)) return arg;
  if (isRecord(arg)) {
    if (isPaperId(arg['paper'])) return arg['paper'];
    const paper = arg['paper'];
    if (isRecord(paper) && isRecord(paper['meta']) && isPaperId(paper['meta']['id'])) return paper['meta']['id'];
  }
  return undefined;
}

/**
 * The run folder an argument refers to: a folder name (for a run started here, its runId), or a
 * run tree node. Runs are keyed by folder: a copied folder keeps the runId written inside it.
 */
function runOf(arg: unknown): string | undefined {
  if (typeof arg === 'string' && !isPaperId(arg)) return arg;
  if (isRecord(arg) && isRecord(arg['run']) && typeof arg['run']['folder'] === 'string') return arg['run']['folder'];
  return undefined;
}

async function pickPaper(title: string, filter: (id: PaperId) => boolean = () => true): Promise<PaperId | undefined> {
  const picked = await vscode.window.showQuickPick(
    PAPERS.filter((p) => filter(p.meta.id)).map((p) => ({
      label: p.meta.title,
      description: p.meta.shortName,
      detail: p.meta.tagline,
      id: p.meta.id,
    })),
    { title, placeHolder: 'Choose a paper', matchOnDescription: true },
  );
  return picked?.id;
}

/** A Run Seeds request from the panel: `{ paper, demo, preset, config }` naming a demo and preset that exist. */
function seedsRequestOf(
  arg: unknown,
): { paper: PaperId; demo: DemoDescriptor; preset: string; config: Readonly<Record<string, unknown>> } | undefined {
  if (!isRecord(arg) || !isPaperId(arg['paper']) || typeof arg['demo'] !== 'string') return undefined;
  const demo = findDemo(arg['paper'], arg['demo']);
  const preset = arg['preset'];
  const config = arg['config'];
  if (!demo || typeof preset !== 'string' || !Object.hasOwn(demo.presets, preset) || !isRecord(config))
    return undefined;
  return { paper: arg['paper'], demo, preset, config };
}

/** Seeds given with a Run Seeds request (`{ seeds: [0, 1, 2] }`), when they are valid seeds. */
function seedsOf(arg: unknown): number[] | undefined {
  if (!isRecord(arg) || !Array.isArray(arg['seeds'])) return undefined;
  const seeds = parseSeedList(arg['seeds'].map(String).join(','));
  return typeof seeds === 'string' ? undefined : seeds;
}

/** Asks for a paper (unless `arg` names one), one of its demos and a preset, as Run Demo does. */
async function pickDemoPreset(
  s: CommandServices,
  arg: unknown,
  title: string,
): Promise<{ paper: PaperId; demo: DemoDescriptor; preset: string } | undefined> {
  const paper = paperOf(arg) ?? (await pickPaper(title, (id) => getPaper(id).demos.length > 0));
  if (!paper) return undefined;
  const demos = getPaper(paper).demos;
  const demo =
    demos.length === 1
      ? demos[0]
      : (
          await vscode.window.showQuickPick(
            demos.map((d) => ({ label: d.title, detail: d.description, demo: d })),
            { title, placeHolder: 'Choose a demo' },
          )
        )?.demo;
  if (!demo) return undefined;
  const times = presetTimes(s.extensionPath);
  const preset = await vscode.window.showQuickPick(
    Object.keys(demo.presets).map((name) => {
      const config = demo.presets[name] ?? {};
      const steps = demo.totalSteps(config);
      return {
        label: name,
        description: presetTimeLine(presetTime(times, paper, demo.id, name, config)),
        detail:
          `${demo.presetNotes?.[name] ?? ''} ${steps} ${steps === 1 ? demo.stepLabel : plural(demo.stepLabel)}.`.trim(),
      };
    }),
    { title: `${title}: ${demo.title}`, placeHolder: 'Choose a preset (edit the config in the panel for more)' },
  );
  return preset ? { paper, demo, preset: preset.label } : undefined;
}

/**
 * Trains `request` at each seed in turn (each run waits for the previous one), with "seed k of
 * N" in a notification whose Cancel stops the run in progress and the ones after it. Returns
 * the folders of the runs that started.
 */
async function runSeeds(
  s: CommandServices,
  request: Omit<StartRequest, 'seed'>,
  seeds: readonly number[],
  name: string,
): Promise<string[]> {
  const folders: string[] = [];
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Paper Lab: ${name}`, cancellable: true },
    async (progress, token) => {
      for (const [k, seed] of seeds.entries()) {
        if (token.isCancellationRequested) break;
        progress.report({
          message: `seed ${seed} (${k + 1} of ${seeds.length})`,
          increment: k === 0 ? 0 : 100 / seeds.length,
        });
        let record;
        try {
          record = await s.runs.start({ ...request, seed });
        } catch (error) {
          if (error instanceof ConfigError) throw new Error(error.errors.join('; '), { cause: error });
          throw error;
        }
        folders.push(record.runId);
        const stop = token.onCancellationRequested(() => s.runs.stop(record.runId));
        await s.runs.whenEnded(record.runId);
        stop.dispose();
      }
    },
  );
  return folders;
}

/** Asks for two or more runs of one paper (the paper first, unless given), newest first. */
async function pickRunsToCompare(s: CommandServices, given: PaperId | undefined): Promise<string[] | undefined> {
  const withRuns = PAPERS.map((p) => p.meta.id).filter((id) => s.runs.list(id).length >= 2);
  if (withRuns.length === 0) throw new Error('no paper has two runs to compare yet');
  const paper =
    given ??
    (withRuns.length === 1 ? withRuns[0] : await pickPaper('Paper Lab: Compare Runs', (id) => withRuns.includes(id)));
  if (!paper) return undefined;
  const items = s.runs.list(paper).map((r) => ({
    label: `${findDemo(paper, r.demo)?.title ?? r.demo} · ${r.preset} · seed ${r.seed}`,
    description: r.folder,
    detail: [r.status, r.backend, r.claimsLine].filter((x) => x !== undefined).join(' · '),
    folder: r.folder,
  }));
  const chosen = await vscode.window.showQuickPick(items, {
    title: `Paper Lab: Compare ${getPaper(paper).meta.shortName} runs`,
    placeHolder: 'Choose two or more runs of one demo',
    canPickMany: true,
  });
  return chosen && chosen.length > 0 ? chosen.map((c) => c.folder) : undefined;
}

export function registerCommands(s: CommandServices): vscode.Disposable[] {
  const register = (id: string, handler: (...args: unknown[]) => unknown): vscode.Disposable =>
    vscode.commands.registerCommand(id, async (...args: unknown[]): Promise<unknown> => {
      try {
        return await handler(...args);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        s.log.error(`${id}: ${message}`);
        void vscode.window.showErrorMessage(`Paper Lab: ${message}`);
        return undefined;
      }
    });

  return [
    register('paperLab.openPaper', async (arg) => {
      const paper = paperOf(arg) ?? (await pickPaper('Paper Lab: Open Paper'));
      if (paper) s.panels.open(paper);
    }),

    register('paperLab.openEquation', (paper, ref) => {
      if (isPaperId(paper) && typeof ref === 'string') s.panels.open(paper, { focus: ref });
    }),

    register('paperLab.runDemo', async (arg) => {
      const choice = await pickDemoPreset(s, arg, 'Paper Lab: Run Demo');
      if (!choice) return;
      const { paper, demo, preset } = choice;
      s.panels.open(paper);
      const label = `${getPaper(paper).meta.shortName} · ${preset}`;
      if ((await admitRun(s.runs, label)) === 'cancelled') return;
      try {
        await s.runs.start({
          paper,
          demo: demo.id,
          preset: preset,
          config: demo.presets[preset] ?? {},
          seed: defaultSeed(),
        });
      } catch (error) {
        if (error instanceof ConfigError) throw new Error(error.errors.join('; '), { cause: error });
        throw error;
      }
    }),

    register('paperLab.runSeeds', async (arg) => {
      // From the panel: its paper, demo, preset and (checked) config; otherwise ask, as Run Demo does.
      const fromPanel = seedsRequestOf(arg);
      const choice = fromPanel ?? (await pickDemoPreset(s, arg, 'Paper Lab: Run Seeds'));
      if (!choice) return;
      const { paper, demo, preset } = choice;
      const config = fromPanel?.config ?? demo.presets[preset] ?? {};
      const first = defaultSeed();
      const given = seedsOf(arg);
      const answer =
        given?.join(',') ??
        (await vscode.window.showInputBox({
          title: `Paper Lab: Run ${demo.title} (${preset}) at several seeds`,
          prompt: 'Seeds, separated by commas: the runs train one after another, then show together with a band.',
          value: [first, first + 1, first + 2].join(','),
          validateInput: (value) => {
            const seeds = parseSeedList(value);
            return typeof seeds === 'string' ? seeds : seeds.length < 2 ? 'give at least two seeds' : undefined;
          },
        }));
      if (answer === undefined) return;
      const seeds = parseSeedList(answer);
      if (typeof seeds === 'string') return;
      s.panels.open(paper);
      const name = `${getPaper(paper).meta.shortName} · ${preset}`;
      if ((await admitRun(s.runs, `${name} · seeds ${seeds.join(', ')}`)) === 'cancelled') return;
      const folders = await runSeeds(s, { paper, demo: demo.id, preset, config }, seeds, name);
      if (folders.length >= 2) s.panels.open(paper, { runSet: folders });
      return folders;
    }),

    register('paperLab.compareRuns', async (arg, selected) => {
      const picked = Array.isArray(selected) ? selected.map(runOf).filter((f): f is string => f !== undefined) : [];
      const folders = picked.length >= 2 ? picked : await pickRunsToCompare(s, paperOf(arg));
      if (!folders) return;
      const records = folders.map((f) => s.runs.store.readRecord(f));
      const first = records[0];
      if (records.length < 2 || !first || records.some((r) => r === undefined))
        throw new Error('choose at least two runs to compare');
      const demos = new Set(records.map((r) => `${r?.paper}/${r?.demo}`));
      if (demos.size > 1)
        throw new Error(`only runs of one demo can be compared (these are of ${[...demos].join(', ')})`);
      s.panels.open(first.paper, { runSet: folders });
      return folders;
    }),

    register('paperLab.stopRun', async (arg) => {
      const live = s.runs.liveLabels();
      const folder =
        runOf(arg) ??
        (live.length <= 1
          ? live[0]?.folder
          : (
              await vscode.window.showQuickPick(
                live.map((r) => ({ label: r.label, description: r.folder, folder: r.folder })),
                { title: 'Paper Lab: Stop Run', placeHolder: 'Choose the run to stop' },
              )
            )?.folder);
      if (folder && !s.runs.stop(folder))
        void vscode.window.showInformationMessage('Paper Lab: that run is not running.');
    }),

    register('paperLab.openRun', (arg, maybeFolder) => {
      const paper = paperOf(arg);
      const folder = typeof maybeFolder === 'string' ? maybeFolder : runOf(arg);
      if (paper && folder) s.panels.open(paper, { runId: folder });
    }),

    register('paperLab.deleteRun', async (arg) => {
      const folder = runOf(arg);
      if (!folder) return;
      const answer = await vscode.window.showWarningMessage(
        `Delete run ${folder} and its files?`,
        { modal: true },
        'Delete',
      );
      if (answer === 'Delete') s.runs.delete(folder);
    }),

    register('paperLab.runAgain', async (arg) => {
      const folder = runOf(arg);
      const record = folder ? s.runs.store.readRecord(folder) : undefined;
      if (!record) return;
      const name = `${getPaper(record.paper).meta.shortName} · ${record.preset} · seed ${record.seed}`;
      s.panels.open(record.paper);
      if ((await admitRun(s.runs, name)) === 'cancelled') return;
      // The recorded config is complete: the same config, seed and preset give the same figures on the same backend.
      await s.runs.start({
        paper: record.paper,
        demo: record.demo,
        preset: record.preset,
        config: record.config,
        seed: record.seed,
      });
    }),

    register('paperLab.copyRunCommand', async (arg): Promise<string | undefined> => {
      const folder = runOf(arg);
      const record = folder ? s.runs.store.readRecord(folder) : undefined;
      if (!record) return undefined;
      const line = runCommandLine(record, findDemo(record.paper, record.demo)?.presets[record.preset]);
      try {
        await vscode.env.clipboard.writeText(line);
        void vscode.window.showInformationMessage(`Paper Lab: copied "${line}"`);
      } catch {
        // Where the clipboard is refused (a browser without the permission), show the line to copy by hand.
        void vscode.window.showInformationMessage(`Paper Lab: ${line}`);
      }
      return line;
    }),

    // With a folder path as its second argument (from another extension or a test), no dialog is shown.
    register('paperLab.exportRun', async (arg, into) => {
      const folder = runOf(arg);
      if (!folder) return undefined;
      const run = readRun(s.runs.store.dirOf(folder));
      const paper = getPaper(run.record.paper);
      const demo = findDemo(run.record.paper, run.record.demo);
      const chosen =
        typeof into === 'string'
          ? vscode.Uri.file(into)
          : (
              await vscode.window.showOpenDialog({
                title: `Paper Lab: Export ${folder}`,
                canSelectFiles: false,
                canSelectFolders: true,
                openLabel: 'Export Here',
                ...(vscode.workspace.workspaceFolders?.[0]
                  ? { defaultUri: vscode.workspace.workspaceFolders[0].uri }
                  : {}),
              })
            )?.[0];
      if (!chosen) return undefined;
      const target = path.join(chosen.fsPath, `${folder}-export`);
      const problem = checkNewRunFolder(target);
      if (problem !== null) throw new Error(`cannot export into ${target}: ${problem}`);
      writeFolderAtomic(target, exportFiles(run, paper, demo));
      const reveal = 'Reveal in Explorer';
      void vscode.window
        .showInformationMessage(
          `Paper Lab: exported ${folder} to ${target} (metrics.csv, claims.md and an SVG and a PNG per plot).`,
          reveal,
        )
        .then((answer) =>
          answer === reveal ? vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(target)) : undefined,
        );
      return target;
    }),

    register('paperLab.revealRunFolder', async (arg) => {
      const folder = runOf(arg);
      if (!folder) return;
      const file = vscode.Uri.file(path.join(s.runs.store.dirOf(folder), 'run.json'));
      await vscode.window.showTextDocument(file, { preview: true });
    }),

    register('paperLab.openImplementation', async (arg) => {
      const paper =
        paperOf(arg) ?? (await pickPaper('Paper Lab: Open Implementation', (id) => getPaper(id).sources.length > 0));
      if (!paper) return;
      const sources = getPaper(paper).sources;
      if (sources.length === 0) {
        void vscode.window.showInformationMessage(
          `Paper Lab: the ${getPaper(paper).meta.shortName} implementation is not available yet.`,
        );
        return;
      }
      const file =
        sources.length === 1
          ? sources[0]
          : (
              await vscode.window.showQuickPick(
                sources.map((f) => ({ label: path.basename(f), description: f, file: f })),
                { title: `Paper Lab: ${getPaper(paper).meta.shortName} implementation`, placeHolder: 'Choose a file' },
              )
            )?.file;
      if (!file) return;
      await s.sources.open(file);
    }),

    register('paperLab.copySourceToWorkspace', () => s.sources.copyToWorkspace()),

    register('paperLab.selectBackend', () => s.backend.select()),
    register('paperLab.installGpuBackend', () => installGpuBackend(s.storagePath, s.log)),
    register('paperLab.refreshRuns', () => s.tree.refresh()),
    register('paperLab.showLog', () => s.log.show()),
  ];
}

// Writes HTML pages that load dist/webview.js with a fake VS Code API and replay a made-up paper,
// a run's metrics, outputs and summary, so the panel can be looked at in a plain browser:
//
//   node esbuild.mjs            (or build the webview entry alone)
//   node scripts/preview-webview.mjs [outDir]
//   chromium --headless --no-sandbox --virtual-time-budget=8000 --window-size=1000,1600 \
//     --screenshot=/tmp/dark.png file://<outDir>/dark.html
//
// The pages carry a Content-Security-Policy like the panel's (no inline styles), so a violation shows.
// The paper, its demo, plots and claims are the real FedOpt descriptor's; the metrics are made up.
// Pages: light.html, dark.html, high-contrast.html, theme-switch.html (starts dark, turns light
// mid-run); `?focus=<ref>` sends focusEquation;
// `?invalid` types an out-of-range value and presses Run.
// With PREVIEW_RUN=<run folder> it also writes run-light.html and run-dark.html: that real run (its
// paper's panel, metrics, outputs and summary) reopened as the host sends it.
// Messages the panel posts are listed in window.__posted.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(process.argv[2] ?? '/tmp/paper-lab-preview');
const asset = (p) => pathToFileURL(join(root, p)).href;

const THEMES = {
  dark: {
    '--vscode-font-family': 'system-ui, "Segoe UI", Ubuntu, sans-serif',
    '--vscode-font-size': '13px',
    '--vscode-font-weight': 'normal',
    '--vscode-editor-font-family': 'monospace',
    '--vscode-editor-font-size': '13px',
    '--vscode-foreground': '#cccccc',
    '--vscode-descriptionForeground': '#9d9d9d',
    '--vscode-errorForeground': '#f85149',
    '--vscode-editor-background': '#1f1f1f',
    '--vscode-editorWidget-border': '#454545',
    '--vscode-focusBorder': '#0078d4',
    '--vscode-textLink-foreground': '#4daafc',
    '--vscode-textLink-activeForeground': '#4daafc',
    '--vscode-textCodeBlock-background': '#2b2b2b',
    '--vscode-charts-blue': '#3794ff',
    '--vscode-charts-red': '#f14c4c',
    '--vscode-charts-green': '#89d185',
    '--vscode-charts-yellow': '#cca700',
    '--vscode-charts-orange': '#d18616',
    '--vscode-charts-purple': '#b180d7',
    '--vscode-button-background': '#0078d4',
    '--vscode-button-foreground': '#ffffff',
    '--vscode-button-secondaryBackground': '#313131',
    '--vscode-button-secondaryForeground': '#cccccc',
    '--vscode-input-background': '#313131',
    '--vscode-input-foreground': '#cccccc',
    '--vscode-input-border': '#3c3c3c',
    '--vscode-dropdown-background': '#313131',
    '--vscode-dropdown-foreground': '#cccccc',
    '--vscode-dropdown-border': '#3c3c3c',
    '--vscode-badge-background': '#616161',
    '--vscode-badge-foreground': '#f8f8f8',
    '--vscode-list-hoverBackground': '#2a2d2e',
    '--vscode-list-inactiveSelectionBackground': '#37373d',
    '--vscode-editor-findMatchHighlightBackground': 'rgba(234, 92, 0, 0.33)',
    '--vscode-progressBar-background': '#0078d4',
    '--vscode-editorWarning-foreground': '#cca700',
    '--vscode-settings-textInputBackground': '#313131',
    '--vscode-settings-textInputForeground': '#cccccc',
    '--vscode-settings-textInputBorder': '#3c3c3c',
    '--vscode-settings-dropdownBackground': '#313131',
    '--vscode-settings-dropdownForeground': '#cccccc',
    '--vscode-settings-dropdownBorder': '#3c3c3c',
    '--vscode-settings-dropdownListBorder': '#454545',
    '--vscode-checkbox-background': '#313131',
    '--vscode-checkbox-foreground': '#cccccc',
    '--vscode-checkbox-border': '#3c3c3c',
    '--vscode-list-activeSelectionBackground': '#04395e',
    '--vscode-list-activeSelectionForeground': '#ffffff',
    '--vscode-button-hoverBackground': '#026ec1',
    '--vscode-inputValidation-errorBorder': '#be1100',
  },
  light: {
    '--vscode-font-family': 'system-ui, "Segoe UI", Ubuntu, sans-serif',
    '--vscode-font-size': '13px',
    '--vscode-font-weight': 'normal',
    '--vscode-editor-font-family': 'monospace',
    '--vscode-editor-font-size': '13px',
    '--vscode-foreground': '#3b3b3b',
    '--vscode-descriptionForeground': '#717171',
    '--vscode-errorForeground': '#c72e0f',
    '--vscode-editor-background': '#ffffff',
    '--vscode-editorWidget-border': '#c8c8c8',
    '--vscode-focusBorder': '#005fb8',
    '--vscode-textLink-foreground': '#005fb8',
    '--vscode-textLink-activeForeground': '#005fb8',
    '--vscode-textCodeBlock-background': '#f2f2f2',
    '--vscode-charts-blue': '#1a85ff',
    '--vscode-charts-red': '#e51400',
    '--vscode-charts-green': '#388a34',
    '--vscode-charts-yellow': '#bf8803',
    '--vscode-charts-orange': '#d18616',
    '--vscode-charts-purple': '#652d90',
    '--vscode-button-background': '#005fb8',
    '--vscode-button-foreground': '#ffffff',
    '--vscode-button-secondaryBackground': '#e5e5e5',
    '--vscode-button-secondaryForeground': '#3b3b3b',
    '--vscode-input-background': '#ffffff',
    '--vscode-input-foreground': '#3b3b3b',
    '--vscode-input-border': '#cecece',
    '--vscode-dropdown-background': '#ffffff',
    '--vscode-dropdown-foreground': '#3b3b3b',
    '--vscode-dropdown-border': '#cecece',
    '--vscode-badge-background': '#cccccc',
    '--vscode-badge-foreground': '#3b3b3b',
    '--vscode-list-hoverBackground': '#f2f2f2',
    '--vscode-list-inactiveSelectionBackground': '#e4e6f1',
    '--vscode-editor-findMatchHighlightBackground': 'rgba(234, 92, 0, 0.33)',
    '--vscode-progressBar-background': '#005fb8',
    '--vscode-editorWarning-foreground': '#bf8803',
    '--vscode-settings-textInputBackground': '#ffffff',
    '--vscode-settings-textInputForeground': '#3b3b3b',
    '--vscode-settings-textInputBorder': '#cecece',
    '--vscode-settings-dropdownBackground': '#ffffff',
    '--vscode-settings-dropdownForeground': '#3b3b3b',
    '--vscode-settings-dropdownBorder': '#cecece',
    '--vscode-settings-dropdownListBorder': '#c8c8c8',
    '--vscode-checkbox-background': '#f8f8f8',
    '--vscode-checkbox-foreground': '#3b3b3b',
    '--vscode-checkbox-border': '#cecece',
    '--vscode-list-activeSelectionBackground': '#e8e8e8',
    '--vscode-list-activeSelectionForeground': '#000000',
    '--vscode-button-hoverBackground': '#0258a8',
    '--vscode-inputValidation-errorBorder': '#be1100',
  },
};
THEMES['high-contrast'] = {
  ...THEMES.dark,
  '--vscode-foreground': '#ffffff',
  '--vscode-editor-background': '#000000',
  '--vscode-editorWidget-border': '#6fc3df',
  '--vscode-contrastBorder': '#6fc3df',
};

/**
 * The real FedOpt paper as the panel receives it (`toPaperView` of the catalog's descriptor and the
 * shipped explanation), so the preview cannot drift from the descriptors. Read through tsx, as the
 * catalog is TypeScript.
 */
function loadPaperView(id) {
  const code =
    "Promise.all([import('./src/models/catalog.ts'), import('./src/shared/webviewProtocol.ts'), import('node:fs')])" +
    `.then(([c, w, fs]) => console.log(JSON.stringify((w.toPaperView ?? w.default.toPaperView)((c.getPaper ?? c.default.getPaper)('${id}'), ` +
    `fs.readFileSync('media/papers/${id}.md', 'utf8')))))`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', code], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`could not read the catalog:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const paper = loadPaperView('fedopt');
const demo = paper.demos[0];
/** A made-up accuracy curve per optimizer (rounds to reach it differ), for every series the real plots name. */
const CURVE_RATE = { fedavg: 30, fedavgm: 14, fedadagrad: 8, fedadam: 6.5, fedyogi: 6 };

const locations = {
  'pseudo-gradient': [
    { label: 'src/models/fedopt/server.ts', uri: 'file:///ext/src/models/fedopt/server.ts', line: 41, shipped: true },
  ],
  'server-yogi': [
    { label: 'src/models/fedopt/server.ts', uri: 'file:///ext/src/models/fedopt/server.ts', line: 77, shipped: true },
    { label: 'my-experiments/yogi.py', uri: 'file:///ws/my-experiments/yogi.py', line: 12, shipped: false },
  ],
};

const runs = [
  {
    runId: 'fedopt-quick-20261127-101500000-s1',
    folder: 'fedopt-quick-20261127-101500000-s1',
    demo: demo.id,
    preset: 'quick',
    seed: 1,
    status: 'completed',
    startedAt: '2026-11-27T10:15:00.000Z',
    backend: 'wasm',
    claimsLine: `${demo.claims.length}/${demo.claims.length} claims pass`,
  },
  {
    runId: 'fedopt-paper-20261127-111500000-s0',
    folder: 'fedopt-paper-20261127-111500000-s0',
    demo: demo.id,
    preset: 'paper',
    seed: 0,
    status: 'interrupted',
    startedAt: '2026-11-27T11:15:00.000Z',
    backend: 'cpu',
  },
];

const vars = (t) =>
  Object.entries(THEMES[t])
    .map(([k, v]) => `${k}: ${v};`)
    .join(' ');

/** The end of every page's head: a Content-Security-Policy like the panel's, and its stylesheets. */
const HEAD = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-preview'; style-src file:; font-src file:; img-src file: data:">
<link rel="stylesheet" href="${asset('dist/katex.min.css')}">
<link rel="stylesheet" href="${asset('dist/uPlot.min.css')}">
<link rel="stylesheet" href="${asset('media/webview.css')}">
<link rel="stylesheet" href="themes.css">
</head>`;

function page(themeName, { switchTo } = {}) {
  const bodyClass = themeName === 'high-contrast' ? 'vscode-high-contrast' : `vscode-${themeName}`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Paper Lab preview</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
${HEAD}
<body class="${bodyClass}">
<main id="app" aria-live="polite"></main>
<script nonce="preview">
const paper = ${JSON.stringify(paper)};
const locations = ${JSON.stringify(locations)};
const runs = ${JSON.stringify(runs)};
window.__posted = [];
let state = ${JSON.stringify({ paper: 'fedopt', demo: demo.id, forms: {} })};
const send = (m, delay) => setTimeout(() => window.postMessage(m, '*'), delay);
window.acquireVsCodeApi = () => ({
  getState: () => state,
  setState: (s) => { state = s; },
  postMessage: (m) => {
    window.__posted.push(m);
    if (m.type === 'ready') replay();
    if (m.type === 'validateConfig') send({ type: 'configErrors', demo: m.demo, errors: [] }, 10);
  },
});
function replay() {
  send({ type: 'init', paper, locations, runs, backend: 'wasm', defaultSeed: 0 }, 0);
  const runId = 'fedopt-quick-20261128-081500000-s0';
  const demo = paper.demos[0];
  const record = { runId, paper: 'fedopt', demo: demo.id, preset: 'quick', config: demo.presets.quick, seed: 0,
    status: 'running', startedAt: '2026-11-28T08:15:00.000Z', versions: {} };
  send({ type: 'runStarted', record }, 100);
  send({ type: 'runs', runs: [{ runId, folder: runId, demo: demo.id, preset: 'quick', seed: 0, status: 'running', startedAt: record.startedAt, backend: 'wasm' }, ...runs] }, 120);
  const total = 60;
  const acc = (r, k) => 1 - 0.95 * Math.exp(-r / k);
  for (let batch = 0; batch < 12; batch++) {
    const points = [];
    for (let r = batch * 5 + 1; r <= batch * 5 + 5; r++) {
      const values = {};
      for (const [opt, k] of Object.entries(${JSON.stringify(CURVE_RATE)})) {
        values['acc/' + opt] = acc(r, k);
        values['loss/' + opt] = 2.3 * Math.exp(-r / k) + 0.05;
      }
      points.push({ step: r, values });
    }
    send({ type: 'runMetrics', runId, points }, 200 + batch * 150);
    send({ type: 'runProgress', runId, step: batch * 5 + 5, total, stepsPerSecond: 33.3, backend: 'wasm' }, 200 + batch * 150);
  }
  ${switchTo ? `setTimeout(() => { document.body.className = 'vscode-${switchTo}'; }, 1200);` : ''}
  const outputs = [
    { kind: 'table', id: 'rounds-to-target', title: 'Rounds to 90 %', columns: ['method', 'rounds', 'final accuracy'],
      rows: [['FedAvg', 48, 0.912], ['FedYogi', 14, 0.9951], ['FedAdam', 15, 0.9949], ['FedAdagrad', null, 0.87]] },
    { kind: 'bars', id: 'label-histogram', title: 'Labels per client', categories: Array.from({ length: 12 }, (_, i) => 'c' + i),
      series: [0, 1, 2, 3].map((l) => ({ label: 'label ' + l, values: Array.from({ length: 12 }, (_, i) => ((i + l) % 4 === 0 ? 40 : 5 + ((i * 7 + l) % 6))) })),
      stacked: true, xLabel: 'client', yLabel: 'examples' },
    { kind: 'heatmap', id: 'lr-grid', title: 'Learning-rate sensitivity', rowLabels: ['10^-1', '10^-0.5', '10^0'], colLabels: ['10^-2', '10^-1.5', '10^-1', '10^-0.5'],
      rowTitle: 'client η_l', colTitle: 'server η', values: [[0.41, 0.62, 0.81, 0.9], [0.55, 0.79, 0.95, 0.97], [0.6, null, 0.97, 0.99]] },
  ];
  outputs.forEach((output, i) => send({ type: 'runOutput', runId, output }, 1000 + i * 50));
  const ended = { ...record, status: 'completed', endedAt: '2026-11-28T08:15:02.100Z', trainSeconds: 1.82,
    backend: { requested: 'auto', chosen: 'wasm', attempts: [] } };
  send({ type: 'runEnded', record: ended, summary: { runId, status: 'completed', results: {}, trainSeconds: 1.82, steps: 60,
    claims: demo.claims.map((c, i) => ({ id: c.id, text: c.text, target: c.target, unit: c.unit, caveat: c.caveat,
      measured: [0.15, 0.17, 0.963, 0.62][i] ?? 0.5, pass: i !== 1 })) } }, 2200);
  // ?seeds: three seeds of the run's config shown together; ?compare: two runs that differ in a field.
  const params = new URLSearchParams(location.search);
  if (params.has('seeds') || params.has('compare')) {
    const seeds = params.has('seeds');
    const entries = [0, 1, 2].slice(0, seeds ? 3 : 2).map((seed) => {
      const config = seeds || seed === 0 ? demo.presets.quick : { ...demo.presets.quick, clientsPerRound: 20 };
      const folder = runId.replace(/-s0$/, '-s' + seed);
      const points = [];
      for (let r = 1; r <= total; r++) {
        const values = {};
        for (const [opt, k] of Object.entries(${JSON.stringify(CURVE_RATE)})) {
          const kk = k * (1 + (seeds ? 0.25 * (seed - 1) : -0.3 * seed));
          values['acc/' + opt] = acc(r, kk);
          values['loss/' + opt] = 2.3 * Math.exp(-r / kk) + 0.05;
        }
        points.push({ step: r, values });
      }
      const claims = demo.claims.map((c, i) => ({ id: c.id, text: c.text, target: c.target, unit: c.unit,
        measured: ([0.15, 0.17, 0.963, 0.62][i] ?? 0.5) * (1 + 0.1 * seed), pass: i !== 1 || seed === 2 }));
      return { folder, points, record: { ...ended, runId: folder, seed: seeds ? seed : 0, config },
        summary: { runId: folder, status: 'completed', results: {}, trainSeconds: 1.8, steps: total, claims } };
    });
    send({ type: 'runSet', demo: demo.id, entries }, 2600);
  }
  const focus = new URLSearchParams(location.search).get('focus');
  if (focus) send({ type: 'focusEquation', ref: focus }, 2300);
  if (new URLSearchParams(location.search).has('invalid')) {
    setTimeout(() => {
      const rounds = document.querySelector('#field-rounds');
      rounds.value = '0';
      rounds.dispatchEvent(new Event('input'));
      document.querySelector('#run-button').click();
    }, 2500);
  }
  setTimeout(() => {
    const q = (s) => document.querySelectorAll(s).length;
    const report = {
      title: document.querySelector('#paper-title')?.textContent,
      equationsWithKatex: q('.equation[data-ref] .katex'),
      run: q('#run-button'), stop: q('#stop-button'), preset: q('#preset-select'),
      plots: [...document.querySelectorAll('.plot')].map((p) => p.dataset.plot + ':' + p.dataset.points + ':' + p.querySelectorAll('canvas').length),
      progress: document.querySelector('#progress')?.textContent,
      comparison: document.querySelector('#comparison')?.dataset.mode,
      claimsAcross: [...document.querySelectorAll('#claims-across tr[data-claim] .holds')].map((e) => e.textContent),
      settings: [...document.querySelectorAll('#settings-diff tr[data-setting]')].map((e) => e.dataset.setting),
      claims: [...document.querySelectorAll('#claims-table tr[data-claim]')].map((r) => r.dataset.claim + ':' + r.querySelector('.verdict')?.textContent),
      runs: q('#runs-list li'), outputs: [...document.querySelectorAll('.output[data-output]')].map((o) => o.dataset.output),
      errors: [...document.querySelectorAll('.config-error:not([hidden])')].map((e) => e.textContent),
      posted: window.__posted.map((m) => m.type),
    };
    const pre = document.createElement('pre');
    pre.id = 'preview-report';
    pre.textContent = JSON.stringify(report);
    document.body.appendChild(pre);
  }, 3000);
}
</script>
<script nonce="preview" src="${asset('dist/webview.js')}"></script>
</body></html>`;
}

/** A page that reopens one real run, as the host does when a run is chosen in the tree. */
function runPage(themeName, view, loaded) {
  const run = {
    runId: loaded.record.runId,
    folder: loaded.folder,
    demo: loaded.record.demo,
    preset: loaded.record.preset,
    seed: loaded.record.seed,
    status: loaded.record.status,
    startedAt: loaded.record.startedAt,
    backend: 'wasm',
  };
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Paper Lab run preview</title>
${HEAD}
<body class="vscode-${themeName}">
<main id="app" aria-live="polite"></main>
<script nonce="preview">
let state = ${JSON.stringify({ paper: view.meta.id, demo: loaded.record.demo, forms: {} })};
const send = (m, delay) => setTimeout(() => window.postMessage(m, '*'), delay);
window.acquireVsCodeApi = () => ({
  getState: () => state,
  setState: (s) => { state = s; },
  postMessage: (m) => {
    if (m.type === 'ready') {
      send({ type: 'init', paper: ${JSON.stringify(view)}, locations: {}, runs: [${JSON.stringify(run)}], backend: 'wasm', defaultSeed: 0 }, 0);
      send(${JSON.stringify(loaded)}, 200);
    }
    if (m.type === 'validateConfig') send({ type: 'configErrors', demo: m.demo, errors: [] }, 10);
  },
});
</script>
<script nonce="preview" src="${asset('dist/webview.js')}"></script>
</body></html>`;
}

mkdirSync(outDir, { recursive: true });
const pages = {
  'light.html': page('light'),
  'dark.html': page('dark'),
  'high-contrast.html': page('high-contrast'),
  'theme-switch.html': page('dark', { switchTo: 'light' }),
};
if (process.env.PREVIEW_RUN) {
  const folder = resolve(process.env.PREVIEW_RUN);
  const record = JSON.parse(readFileSync(join(folder, 'run.json'), 'utf8'));
  const points = readFileSync(join(folder, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
  const outputs = readdirSync(join(folder, 'outputs'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(folder, 'outputs', f), 'utf8')));
  const summary = JSON.parse(readFileSync(join(folder, 'summary.json'), 'utf8'));
  const loaded = { type: 'runLoaded', folder: record.runId, record, points, outputs, summary, live: false };
  for (const t of ['light', 'dark']) pages[`run-${t}.html`] = runPage(t, loadPaperView(record.paper), loaded);
}
for (const [name, html] of Object.entries(pages)) writeFileSync(join(outDir, name), html);
// Theme variables live in a stylesheet of their own, as the panel's CSP allows no inline styles.
writeFileSync(
  join(outDir, 'themes.css'),
  Object.keys(THEMES)
    .map((t) => `body.vscode-${t} { ${vars(t)} }`)
    .join('\n'),
);
console.log(`Wrote ${Object.keys(pages).join(', ')} to ${outDir}`);

// Writes HTML pages that load dist/webview.js with a fake VS Code API and replay a made-up paper,
// a run's metrics, outputs and summary, so the panel can be looked at in a plain browser:
//
//   node esbuild.mjs            (or build the webview entry alone)
//   node scripts/preview-webview.mjs [outDir]
//   chromium --headless --no-sandbox --virtual-time-budget=8000 --window-size=1000,1600 \
//     --screenshot=/tmp/dark.png file://<outDir>/dark.html
//
// The pages carry a Content-Security-Policy like the panel's (no inline styles), so a violation shows.
// Pages: light.html, dark.html, high-contrast.html, theme-switch.html (starts dark, turns light
// mid-run) and not-available.html; `?focus=<ref>` sends focusEquation;
// `?invalid` types an out-of-range value and presses Run.
// Messages the panel posts are listed in window.__posted.
import { mkdirSync, writeFileSync } from 'node:fs';
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

const paper = {
  meta: {
    id: 'fedopt',
    title: 'Adaptive Federated Optimization',
    shortName: 'FedOpt',
    authors: ['Sashank J. Reddi', 'Zachary Charles', 'Manzil Zaheer', 'Zachary Garrett', 'Keith Rush'],
    venue: 'ICLR 2021',
    links: {
      openreview: 'https://openreview.net/forum?id=LkFG3lB13U5',
      arxiv: 'https://arxiv.org/abs/2003.00295',
      code: 'https://github.com/google-research/federated',
    },
    tagline: 'Adaptive server optimizers reach a target accuracy in fewer rounds than FedAvg on non-IID clients.',
  },
  equations: [
    {
      ref: 'pseudo-gradient',
      label: 'Pseudo-gradient',
      tex: '\\Delta_t = \\frac{1}{|S|} \\sum_{i \\in S} \\left(x_i^t - x_t\\right)',
      note: 'The average change the sampled clients made to the server model.',
    },
    {
      ref: 'server-yogi',
      label: 'FedYogi second moment',
      tex: 'v_t = v_{t-1} - (1-\\beta_2)\\, \\Delta_t^2 \\odot \\operatorname{sign}(v_{t-1} - \\Delta_t^2)',
      paperNumber: '3',
    },
  ],
  explanation: [
    '## Idea',
    'Each round the server samples clients, each runs **local SGD** from $x_t$, and the server treats the',
    'average change $\\Delta_t$ as a *gradient* for its own optimizer (`ServerOpt`).',
    '',
    '$$x_{t+1} = x_t + \\eta \\frac{m_t}{\\sqrt{v_t} + \\tau}$$',
    '',
    '### Why it helps',
    '- FedAvg is the special case with server learning rate $\\eta = 1$.',
    '- Adaptive servers are far less sensitive to the client learning rate $\\eta_l$.',
    '- Escapes: \\*not italic\\*, a lone $ sign, and <b>no HTML</b>.',
  ].join('\n'),
  demos: [
    {
      id: 'non-iid',
      title: 'Non-IID softmax regression',
      description: '200 clients, each with two dominant classes; five server optimizers side by side.',
      available: true,
      stepLabel: 'round',
      fields: [
        {
          key: 'rounds',
          label: 'Rounds',
          description: 'Communication rounds.',
          kind: 'int',
          min: 1,
          max: 2000,
          unit: 'rounds',
        },
        {
          key: 'clientsPerRound',
          label: 'Clients per round',
          description: 'Sampled each round.',
          kind: 'int',
          min: 1,
          max: 200,
          group: 'Clients',
        },
        {
          key: 'clientLr',
          label: 'Client learning rate',
          description: 'η_l.',
          kind: 'number',
          min: 0.001,
          max: 100,
          log: true,
          group: 'Clients',
        },
        {
          key: 'server',
          label: 'Server optimizer',
          description: 'Extra run beside FedAvg.',
          kind: 'enum',
          options: ['fedyogi', 'fedadam', 'fedadagrad'],
          group: 'Server',
        },
        {
          key: 'serverLr',
          label: 'Server learning rate',
          description: 'η.',
          kind: 'number',
          min: 0.0001,
          max: 10,
          log: true,
          group: 'Server',
        },
        {
          key: 'tau',
          label: 'Adaptivity τ',
          description: 'Added to √v.',
          kind: 'number',
          min: 0,
          max: 1,
          group: 'Server',
        },
        { key: 'momentum', label: 'Server momentum', description: 'Use β₁ = 0.9.', kind: 'boolean', group: 'Server' },
      ],
      presets: {
        quick: {
          rounds: 60,
          clientsPerRound: 10,
          clientLr: 3.162,
          server: 'fedyogi',
          serverLr: 0.3162,
          tau: 0.001,
          momentum: true,
        },
        paper: {
          rounds: 1500,
          clientsPerRound: 10,
          clientLr: 0.0316,
          server: 'fedyogi',
          serverLr: 0.00316,
          tau: 0.001,
          momentum: true,
        },
      },
      plots: [
        {
          id: 'accuracy',
          title: 'Test accuracy',
          xLabel: 'round',
          yLabel: 'accuracy',
          yUnit: 'accuracy',
          yRange: [0, 1],
          series: [
            { metric: 'acc.fedavg', label: 'FedAvg' },
            { metric: 'acc.fedyogi', label: 'FedYogi' },
            { metric: 'acc.fedadam', label: 'FedAdam' },
          ],
        },
        {
          id: 'loss',
          title: 'Test loss',
          xLabel: 'round',
          yLabel: 'loss',
          yUnit: 'nats',
          logY: true,
          series: [
            { metric: 'loss.fedavg', label: 'FedAvg' },
            { metric: 'loss.fedyogi', label: 'FedYogi' },
          ],
        },
      ],
      outputs: [
        {
          id: 'rounds-to-target',
          title: 'Rounds to 90 %',
          description: 'First round each method reaches 0.9 test accuracy.',
        },
        { id: 'label-histogram', title: 'Labels per client', description: 'How non-IID the clients are.' },
        { id: 'lr-grid', title: 'Learning-rate sensitivity', description: 'Final accuracy over the grid.' },
        { id: 'embedding', title: 'Client embedding', description: 'Clients in 2-D.' },
        { id: 'samples', title: 'Samples', description: 'Generated digits.' },
        { id: 'log', title: 'Log', description: 'Raw notes.' },
      ],
      claims: [
        {
          id: 'yogi-half',
          text: 'FedYogi reaches 0.9 test accuracy in at most half the rounds FedAvg needs',
          target: '≤ 0.5',
          unit: 'ratio',
        },
        { id: 'yogi-r20', text: 'At round 20 FedYogi is at least 0.9', target: '≥ 90 %', unit: 'accuracy' },
        {
          id: 'avg-r20',
          text: 'At round 20 FedAvg is at most 0.75',
          target: '≤ 75 %',
          unit: 'accuracy',
          caveat: 'Depends on the client learning rate.',
        },
      ],
    },
    {
      id: 'emnist',
      title: 'EMNIST characters',
      description: 'The paper-scale task.',
      available: false,
      stepLabel: 'round',
      fields: [],
      presets: { quick: {}, paper: {} },
      plots: [],
      outputs: [],
      claims: [{ id: 'emnist-yogi', text: 'FedYogi beats FedAvg on EMNIST', target: '≥ +1 %', unit: 'accuracy' }],
    },
  ],
};

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
    demo: 'non-iid',
    preset: 'quick',
    seed: 1,
    status: 'completed',
    startedAt: '2026-11-27T10:15:00.000Z',
    backend: 'wasm',
    claimsLine: '3/3 claims pass',
  },
  {
    runId: 'fedopt-paper-20261127-111500000-s0',
    demo: 'non-iid',
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

function page(themeName, { switchTo, notAvailable } = {}) {
  const bodyClass = themeName === 'high-contrast' ? 'vscode-high-contrast' : `vscode-${themeName}`;
  const demo = notAvailable ? 'emnist' : 'non-iid';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Paper Lab preview</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-preview'; style-src file:; font-src file:; img-src file: data:">
<link rel="stylesheet" href="${asset('dist/katex.min.css')}">
<link rel="stylesheet" href="${asset('dist/uPlot.min.css')}">
<link rel="stylesheet" href="${asset('media/webview.css')}">
<link rel="stylesheet" href="themes.css">
</head>
<body class="${bodyClass}">
<main id="app" aria-live="polite"></main>
<script nonce="preview">
const paper = ${JSON.stringify(paper)};
const locations = ${JSON.stringify(locations)};
const runs = ${JSON.stringify(runs)};
window.__posted = [];
let state = ${JSON.stringify({ paper: 'fedopt', demo, forms: {} })};
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
  if (${Boolean(notAvailable)}) return;
  const runId = 'fedopt-quick-20261128-081500000-s0';
  const record = { runId, paper: 'fedopt', demo: 'non-iid', preset: 'quick', config: paper.demos[0].presets.quick, seed: 0,
    status: 'running', startedAt: '2026-11-28T08:15:00.000Z', versions: {} };
  send({ type: 'runStarted', record }, 100);
  send({ type: 'runs', runs: [{ runId, demo: 'non-iid', preset: 'quick', seed: 0, status: 'running', startedAt: record.startedAt, backend: 'wasm' }, ...runs] }, 120);
  const total = 60;
  const acc = (r, k) => 1 - 0.95 * Math.exp(-r / k);
  for (let batch = 0; batch < 12; batch++) {
    const points = [];
    for (let r = batch * 5 + 1; r <= batch * 5 + 5; r++) {
      points.push({ step: r, values: {
        'acc.fedavg': acc(r, 30) - 0.1, 'acc.fedyogi': acc(r, 6), 'acc.fedadam': acc(r, 6.5),
        'loss.fedavg': 2.3 * Math.exp(-r / 25) + 0.2, 'loss.fedyogi': 2.3 * Math.exp(-r / 5) + 0.05 } });
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
    { kind: 'scatter', id: 'embedding', title: 'Client embedding', groups: [0, 1, 2].map((g) => ({ label: 'cluster ' + g,
      points: Array.from({ length: 60 }, (_, i) => [g * 3 + Math.cos(i) * (1 + (i % 7) / 7), g + Math.sin(i * 1.3) * (1 + (i % 5) / 5)]) })) },
    { kind: 'images', id: 'samples', title: 'Samples', width: 8, height: 8,
      images: Array.from({ length: 6 }, (_, k) => ({ label: 'digit ' + k, pixels: Array.from({ length: 64 }, (_, i) => ((i % 8) + Math.floor(i / 8) + k) % 5 === 0 ? 1 : 0.1) })) },
    { kind: 'text', id: 'log', title: 'Log', text: 'round 60: FedYogi 0.995, FedAvg 0.912\\nbackend wasm (SIMD)' },
  ];
  outputs.forEach((output, i) => send({ type: 'runOutput', runId, output }, 1000 + i * 50));
  const ended = { ...record, status: 'completed', endedAt: '2026-11-28T08:15:02.100Z', trainSeconds: 1.82,
    backend: { requested: 'auto', chosen: 'wasm', attempts: [] } };
  send({ type: 'runEnded', record: ended, summary: { runId, status: 'completed', results: {}, trainSeconds: 1.82, steps: 60,
    claims: [
      { id: 'yogi-half', text: paper.demos[0].claims[0].text, measured: 0.2917, target: '≤ 0.5', pass: true, unit: 'ratio' },
      { id: 'yogi-r20', text: paper.demos[0].claims[1].text, measured: 0.963, target: '≥ 90 %', pass: true, unit: 'accuracy' },
      { id: 'avg-r20', text: paper.demos[0].claims[2].text, measured: 0.78, target: '≤ 75 %', pass: false, unit: 'accuracy', caveat: 'Depends on the client learning rate.' },
    ] } }, 2200);
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

mkdirSync(outDir, { recursive: true });
const pages = {
  'light.html': page('light'),
  'dark.html': page('dark'),
  'high-contrast.html': page('high-contrast'),
  'theme-switch.html': page('dark', { switchTo: 'light' }),
  'not-available.html': page('dark', { notAvailable: true }),
};
for (const [name, html] of Object.entries(pages)) writeFileSync(join(outDir, name), html);
// Theme variables live in a stylesheet of their own, as the panel's CSP allows no inline styles.
writeFileSync(
  join(outDir, 'themes.css'),
  Object.keys(THEMES)
    .map((t) => `body.vscode-${t} { ${vars(t)} }`)
    .join('\n'),
);
console.log(`Wrote ${Object.keys(pages).join(', ')} to ${outDir}`);

// End-to-end test in a real VS Code: packages the extension, installs the .vsix into a fresh
// code-server, drives the workbench with Playwright and Debian's Chromium as a person would
// (tree view, command palette, paper panel, live plot, CodeLens), then runs the mocha suite
// inside the extension host. Screenshots go to test-results/e2e/.
//
// Usage: node scripts/e2e.mjs [--skip-ui] [--skip-host] [--skip-package] [--no-build] [--headed]
//   --skip-package reuses paper-lab.vsix; --no-build reuses out/e2e-suite.js and dist/.
// Env: PAPER_LAB_TOOLCHAIN (tool cache), PAPER_LAB_E2E_DEMO_TIMEOUT (seconds, default 300),
//   PAPER_LAB_E2E_STEPS (a comma-separated list of steps to run, the others skipped).
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import {
  CHROMIUM,
  ensureToolchain,
  evalSource,
  installVsix,
  log,
  makeRunDir,
  poll,
  readCatalog,
  removeRunDir,
  repoRoot,
  run,
  sleep,
  startCodeServer,
  vsceArgs,
} from './toolchain.mjs';

const args = new Set(process.argv.slice(2));
const MAX_VSIX_BYTES = 25 * 1024 * 1024;
const VSIX = join(repoRoot, 'paper-lab.vsix');
const SUITE = join(repoRoot, 'out', 'e2e-suite.js');
const RESULTS = join(repoRoot, 'test-results', 'e2e');
const DEMO_TIMEOUT_MS = Number(process.env.PAPER_LAB_E2E_DEMO_TIMEOUT ?? 300) * 1000;
const HOST_SUITE_TIMEOUT_MS = 5 * 60 * 1000;
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Workbench log lines that say nothing about the extension (offline marketplace, auth, sockets). */
const WORKBENCH_NOISE =
  /open-vsx\.org|authentication provider|AccountPolicyGate|AgentHost|Creating a socket|connection token|reconnection-grace|Service Worker|workbench contribution|builtin extensions cache|^\s+at /;

/** Further demos run from the palette, each with the output it must draw. */
const DEMO_OUTPUTS = [
  ['rims', 'activation'],
  ['score-sde', 'samples'],
  ['ance', 'retrieval'],
  ['drq', 'returns'],
  ['genre', 'beams'],
];
/** Demos whose quick preset runs longer than the others (DrQ: 4,000 agent steps, about 3.5 minutes). */
const DEMO_TIMEOUT_FACTOR = { drq: 2 };

const results = [];
let shotIndex = 0;
const started = Date.now();

/** Paper ids, titles and short names, read from the catalog source (pure data, no build needed). */
function loadCatalog() {
  return readCatalog(
    '(p) => ({ id: p.meta.id, title: p.meta.title, shortName: p.meta.shortName, refs: p.equations.map((e) => e.ref) })',
  );
}

async function screenshot(page, name) {
  shotIndex += 1;
  const file = join(RESULTS, `${String(shotIndex).padStart(2, '0')}-${name}.png`);
  try {
    await page.screenshot({ path: file });
    log(`screenshot ${file.slice(repoRoot.length + 1)}`);
  } catch (e) {
    log(`screenshot ${name} failed: ${e.message}`);
  }
}

/** PAPER_LAB_E2E_STEPS=a,b runs only the named UI steps (and what they need): for working on one step. */
const ONLY_STEPS = process.env.PAPER_LAB_E2E_STEPS?.split(',').filter((x) => x !== '');

/** Runs one named step; on failure records it and saves a screenshot, and later steps go on. */
async function step(page, name, fn) {
  if (ONLY_STEPS && name !== 'workbench' && !ONLY_STEPS.includes(name)) return true;
  const t = Date.now();
  log(`▶ ${name}`);
  try {
    await fn();
    const s = ((Date.now() - t) / 1000).toFixed(1);
    results.push({ name, ok: true, s });
    log(`✔ ${name} (${s} s)`);
    return true;
  } catch (e) {
    const s = ((Date.now() - t) / 1000).toFixed(1);
    results.push({ name, ok: false, s, error: e });
    log(`✘ ${name} (${s} s): ${e.message.split('\n').slice(0, 8).join('\n    ')}`);
    if (page) await screenshot(page, `${name}-FAILED`);
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Workbench helpers

/** The visible paper webview's content frame. */
function webview(page) {
  return page.frameLocator('iframe.webview.ready:visible').first().frameLocator('#active-frame');
}

async function waitForWorkbench(page) {
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: 60000 });
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: 60000 });
  // The extension host and extensions start shortly after the workbench shows.
  await sleep(2500);
}

async function closeQuickInput(page) {
  if ((await page.locator('.quick-input-widget').filter({ visible: true }).count()) > 0)
    await page.keyboard.press('Escape');
}

/** Opens the command palette and types `text` after `prefix` ('>' for commands, '' for files). */
async function openQuickInput(page, prefix, text) {
  await closeQuickInput(page);
  const input = page.locator('.quick-input-widget .quick-input-box input').filter({ visible: true }).first();
  await poll(
    async () => {
      await page.keyboard.press('F1');
      return input.isVisible();
    },
    { timeoutMs: 15000, intervalMs: 500, what: 'the command palette' },
  );
  await input.fill(prefix + text);
}

/**
 * Picks the quick-input row whose label is `label` (exact, then substring) with the keyboard:
 * the label is typed into the filter unless the input already holds it, the focus is moved onto
 * the matching row, and Enter accepts it. Clicking a row instead depends on the list holding still
 * under the pointer, which it does not while the workbench is busy laying out a panel.
 */
async function pick(page, label, { timeoutMs = 15000, placeholder } = {}) {
  const input = page.locator('.quick-input-widget .quick-input-box input').filter({ visible: true }).first();
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  // The quick pick a command opens replaces the command palette in the same widget: act only once
  // it is the one expected, or the label is typed into the palette as it closes.
  if (placeholder) {
    await poll(
      async () =>
        placeholder.test((await input.getAttribute('placeholder', { timeout: 2000 }).catch(() => null)) ?? ''),
      {
        timeoutMs,
        intervalMs: 200,
        what: `a quick pick whose placeholder matches ${placeholder}`,
      },
    );
  }
  if (!(await input.inputValue()).toLowerCase().includes(label.toLowerCase()))
    await input.fill(label, { timeout: 10000 });
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ visible: true });
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const exactName = page.locator('.label-name', { hasText: new RegExp(`^\\s*${escaped}\\s*$`, 'i') });
  const matches = async (row) => (await row.filter({ has: exactName }).count()) > 0;
  const loose = async (row) =>
    ((await row.textContent().catch(() => '')) ?? '').toLowerCase().includes(label.toLowerCase());
  let moves = 0;
  await poll(
    async () => {
      const focused = rows.and(page.locator('.focused')).first();
      if ((await focused.count()) === 0) return undefined;
      const hasExact = (await rows.filter({ has: exactName }).count()) > 0;
      if (hasExact ? await matches(focused) : await loose(focused)) return true;
      // Another row is ranked first (a recently used command, say): walk the focus down to it.
      if (moves < 30 && (hasExact || (await rows.filter({ hasText: label }).count()) > 0)) {
        moves++;
        await input.press('ArrowDown');
      }
      return undefined;
    },
    { timeoutMs, intervalMs: 200, what: `the quick-pick item "${label}" focused` },
  ).catch(async (e) => {
    const shown = await rows.allTextContents().catch(() => []);
    throw new Error(`${e.message}; items shown: ${JSON.stringify(shown.slice(0, 12))}`);
  });
  await input.press('Enter');
}

/** Accepts the first row of the visible quick pick (the one focused when it opens). */
async function pickFirst(page, { timeoutMs = 15000 } = {}) {
  const input = page.locator('.quick-input-widget .quick-input-box input').filter({ visible: true }).first();
  const focused = page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row.focused')
    .filter({ visible: true })
    .first();
  await focused.waitFor({ state: 'visible', timeout: timeoutMs });
  await input.press('Enter');
}

async function runCommand(page, title) {
  await openQuickInput(page, '>', title);
  await pick(page, title);
}

/** Throws with the message of an error notification about a failed run, if one is shown. */
async function runFailure(page) {
  const toasts = await page.locator('.notification-toast .notification-list-item-message').allTextContents();
  const failed = toasts.find((t) => /Paper Lab/i.test(t) && /fail|error/i.test(t));
  if (failed) throw Object.assign(new Error(`the run failed: ${failed.trim()}`), { fatal: true });
  return false;
}

async function closeAllEditors(page) {
  await runCommand(page, 'View: Close All Editors');
  await sleep(300);
}

// ---------------------------------------------------------------------------------------------
// The UI steps

/** Run Demo → the paper → its first demo → a preset (quick unless named), from the command palette. */
async function startQuickPreset(page, paper, preset = 'quick') {
  await runCommand(page, 'Paper Lab: Run Demo');
  await pick(page, paper.title, { placeholder: /choose a paper/i });
  // A paper with several demos asks for the demo first: take the first one.
  const placeholder = page.locator('.quick-input-widget .quick-input-box input').filter({ visible: true }).first();
  await poll(
    async () => /preset|demo/i.test((await placeholder.getAttribute('placeholder', { timeout: 2000 })) ?? ''),
    {
      timeoutMs: 30000,
      what: 'the demo or preset quick pick',
    },
  );
  if (/demo/i.test((await placeholder.getAttribute('placeholder')) ?? '')) {
    await pickFirst(page);
  }
  await pick(page, preset, { placeholder: /preset/i });
}

/**
 * Runs a paper's quick preset from the command palette (Run Demo → paper → first demo → quick),
 * waits for points on a plot and PASS/FAIL verdicts, and, if given, checks that an output is drawn.
 */
async function runQuickDemo(page, paper, expectOutput) {
  // Nothing starts until the preset is picked, so a quick pick that closes or re-renders under the
  // pointer (a notification taking focus, the workbench busy) is retried from the command.
  // Each demo gets the editor area to itself, as a user opening one paper at a time would have it.
  await closeAllEditors(page);
  for (let attempt = 1; ; attempt++) {
    try {
      await startQuickPreset(page, paper);
      break;
    } catch (e) {
      if (attempt >= 4) throw e;
      log(`  picking the quick preset failed (${String(e.message).split('\n').slice(0, 4).join(' | ')}); again`);
      await screenshot(page, `${paper.id}-pick-attempt-${attempt}`);
      await closeQuickInput(page);
      await sleep(2000);
    }
  }
  const frame = webview(page);
  const plot = frame.locator('.plot[data-points]').first();
  await plot.waitFor({ state: 'attached', timeout: 60000 });
  const points = async () => {
    const all = await frame
      .locator('.plot[data-points]')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-points') ?? '0')));
    return all.reduce((a, b) => a + b, 0);
  };
  await poll(async () => (await runFailure(page)) || (await points()) > 0, {
    timeoutMs: 120000,
    intervalMs: 500,
    what: 'points on the plot (.plot[data-points] > 0)',
  });
  // Let a few rounds arrive so that the screenshot shows lines, not an empty frame.
  await poll(async () => (await points()) >= 10, { timeoutMs: 20000, intervalMs: 500 }).catch(() => {});
  // The panel brings the live plots into view by itself: no scrolling here before this check.
  const view = await plot.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const bar = el.ownerDocument.getElementById('run-bar');
    const below = bar ? bar.getBoundingClientRect().bottom : 0;
    const height = el.ownerDocument.documentElement.clientHeight;
    return { top: Math.round(r.top), bottom: Math.round(r.bottom), below: Math.round(below), height };
  });
  if (!(view.bottom > view.below + 40 && view.top < view.height - 40))
    throw new Error(`the live plot is not in view after Run Demo: ${JSON.stringify(view)}`);
  await plot.scrollIntoViewIfNeeded().catch(() => {});
  await screenshot(page, `${paper.id}-running`);
  const verdicts = frame.locator('#claims-table tr[data-claim] .verdict');
  const settled = async () => {
    const texts = (await verdicts.allTextContents()).map((t) => t.trim());
    return texts.length > 0 && texts.every((t) => /^(PASS|FAIL)/i.test(t));
  };
  await poll(async () => (await runFailure(page)) || (await settled()), {
    timeoutMs: DEMO_TIMEOUT_MS * (DEMO_TIMEOUT_FACTOR[paper.id] ?? 1),
    intervalMs: 1000,
    what: 'PASS/FAIL verdicts in the claims table (#claims-table tr[data-claim] .verdict) at the end of the run',
  });
  const texts = (await verdicts.allTextContents()).map((t) => t.trim());
  if (!texts.every((t) => /^(PASS|FAIL)/i.test(t))) throw new Error(`unexpected verdicts: ${texts.join(', ')}`);
  log(`  ${await points()} points plotted; claims: ${texts.join(', ')}`);
  if (expectOutput) {
    const output = frame.locator(`.output[data-output="${expectOutput}"]`);
    await output.waitFor({ state: 'attached', timeout: 30000 });
    const drawn = await output.locator('canvas, svg, table').count();
    if (drawn === 0) throw new Error(`the ${expectOutput} output has nothing drawn`);
    await output.scrollIntoViewIfNeeded().catch(() => {});
    await screenshot(page, `${paper.id}-${expectOutput}`);
  }
  await frame
    .locator('#claims-table')
    .scrollIntoViewIfNeeded()
    .catch(() => {});
  await screenshot(page, `${paper.id}-claims`);
  await measureFit(page, paper);
}

/** Panels wider than their editor, found after each run: `${paper} at ${width} px: …`. */
const overflows = [];

/**
 * Whether the panel, with the run's plots and outputs in it, fits its editor without a horizontal
 * scrollbar, in the 1440 px window and in a 900 px one (with a screenshot of the narrow panel).
 */
async function measureFit(page, paper) {
  const frame = webview(page);
  const measure = () =>
    frame.locator('body').evaluate((body) => {
      const doc = body.ownerDocument.documentElement;
      const wide = [...body.querySelectorAll('.paper *')]
        .filter(
          (el) => el.getBoundingClientRect().right > doc.clientWidth + 1 && !el.closest('.katex, .math, .table-wrap'),
        )
        .slice(0, 3)
        .map((el) => `${el.tagName.toLowerCase()}.${String(el.className?.baseVal ?? el.className).split(' ')[0]}`);
      return { scroll: doc.scrollWidth, client: doc.clientWidth, wide };
    });
  const size = page.viewportSize();
  for (const width of [size?.width ?? 1440, 900]) {
    if (width !== size?.width) {
      await page.setViewportSize({ width, height: size?.height ?? 900 });
      await sleep(1200);
    }
    const m = await measure();
    log(`  ${width} px window: panel ${m.client} px wide, content ${m.scroll} px`);
    if (m.scroll > m.client + 1)
      overflows.push(`${paper.id} at ${width} px: ${m.scroll} > ${m.client} (${m.wide.join(', ')})`);
    if (width === 900) await screenshot(page, `${paper.id}-900px`);
  }
  if (size) await page.setViewportSize(size);
  await sleep(500);
}

/**
 * A long run (RIMs, paper preset) started from the palette: clicking the status-bar progress shows
 * it without stopping it; starting a second run asks first (cancelled here, so one run goes on);
 * Stop in the run bar ends it, and its claims read "not evaluated", not FAIL.
 */
async function runControls(page, paper) {
  await closeAllEditors(page);
  await startQuickPreset(page, paper, 'paper');
  const frame = webview(page);
  const stopEnabled = async () =>
    frame
      .locator('#bar-stop-button')
      .evaluate((el) => !el.hasAttribute('disabled'))
      .catch(() => false);
  await poll(async () => (await runFailure(page)) || (await stopEnabled()), {
    timeoutMs: 90000,
    intervalMs: 500,
    what: 'the run bar Stop button enabled while the run trains',
  });
  const dialog = page.locator('.monaco-dialog-box').filter({ visible: true }).first();
  try {
    const item = page.locator('.statusbar-item', { hasText: `${paper.shortName} paper` }).filter({ visible: true });
    await item.first().waitFor({ state: 'visible', timeout: 60000 });
    await item.first().click();
    await sleep(3000);
    if (!(await stopEnabled())) throw new Error('clicking the status-bar progress stopped the run');
    log('  the status-bar click showed the run and did not stop it');

    // The machine is busy with the first run: a quick pick that closes under the keyboard is tried again.
    for (let attempt = 1; ; attempt++) {
      try {
        await startQuickPreset(page, paper, 'quick');
        await dialog.waitFor({ state: 'visible', timeout: 20000 });
        break;
      } catch (e) {
        if ((await dialog.count()) > 0) break;
        if (attempt >= 3) throw e;
        log(`  starting the second run failed (${String(e.message).split('\n')[0]}); again`);
        await closeQuickInput(page);
        await sleep(2000);
      }
    }
    const question = ((await dialog.textContent()) ?? '').replace(/\s+/g, ' ').trim();
    if (!/already training/.test(question) || !/Queue/.test(question))
      throw new Error(`the second run did not ask first: ${question}`);
    log(`  asked: ${question.slice(0, 160)}`);
    await screenshot(page, 'second-run-question');
    await dialog
      .locator('.monaco-button', { hasText: /^\s*Cancel\s*$/ })
      .first()
      .click();
    await dialog.waitFor({ state: 'hidden', timeout: 10000 });
    await sleep(1500);
    const more = await page.locator('.statusbar-item', { hasText: '+1 more' }).count();
    if (more > 0) throw new Error('a second run started although the question was cancelled');
    if (!(await stopEnabled())) throw new Error('the first run ended while the second was asked about');

    await frame.locator('#bar-stop-button').click();
  } finally {
    // Whatever failed above, no run is left training (or asking) to hold up the steps after this one.
    if ((await dialog.count()) > 0)
      await dialog
        .locator('.monaco-button', { hasText: /^\s*Cancel\s*$/ })
        .first()
        .click()
        .catch(() => {});
    if (await stopEnabled())
      await frame
        .locator('#bar-stop-button')
        .click()
        .catch(() => {});
    await poll(async () => !(await stopEnabled()), { timeoutMs: 30000, intervalMs: 500 }).catch(() => {});
  }
  const verdict = frame.locator('#run-verdict');
  await poll(async () => /not evaluated/.test((await verdict.textContent().catch(() => '')) ?? ''), {
    timeoutMs: 60000,
    intervalMs: 500,
    what: 'the run bar verdict "claims not evaluated" after Stop',
  });
  const texts = (await frame.locator('#claims-table tr[data-claim] .verdict').allTextContents()).map((t) => t.trim());
  if (texts.length === 0 || !texts.every((t) => /^not evaluated$/.test(t)))
    throw new Error(`a stopped run's claims should read "not evaluated": ${texts.join(', ')}`);
  log(`  stopped: ${(await verdict.textContent())?.trim()}; claims: ${texts.join(', ')}`);
  await screenshot(page, 'stopped-not-evaluated');
}

/**
 * A FedOpt run in the panel, in the light and the dark theme, in a 1500 px and a 900 px window
 * (the README's screenshots come from here).
 */
async function panelThemes(page, paper) {
  await closeAllEditors(page);
  await startQuickPreset(page, paper);
  const frame = webview(page);
  await poll(
    async () =>
      /claims? holds?/.test(
        (await frame
          .locator('#run-verdict')
          .textContent()
          .catch(() => '')) ?? '',
      ),
    {
      timeoutMs: DEMO_TIMEOUT_MS,
      intervalMs: 1000,
      what: 'the claims verdict in the run bar',
    },
  );
  const size = page.viewportSize();
  for (const theme of ['Light Modern', 'Dark Modern']) {
    await runCommand(page, 'Preferences: Color Theme');
    await pick(page, theme, { placeholder: /color theme/i });
    await sleep(1500);
    for (const width of [1500, 900]) {
      await page.setViewportSize({ width, height: 900 });
      await sleep(1200);
      // The run bar's link brings the results back under it after the panel reflowed.
      await frame.locator('#run-bar a[data-jump="results"]').click();
      await sleep(600);
      await screenshot(page, `panel-${theme.split(' ')[0].toLowerCase()}-${width}`);
    }
  }
  if (size) await page.setViewportSize(size);
}

/**
 * Run Seeds from the palette: the FedOpt quick preset at seeds 0, 1 and 2, then the panel shows
 * their mean with a band and, per claim, "holds at k of 3". Then Compare Runs with the two runs at
 * seed 0 (this one and the earlier Run Demo): both in one chart, and the settings table.
 */
async function seedsAndCompare(page, paper) {
  await closeAllEditors(page);
  await runCommand(page, 'Paper Lab: Run Seeds');
  await pick(page, paper.title, { placeholder: /choose a paper/i });
  await pick(page, 'quick', { placeholder: /preset/i });
  const input = page.locator('.quick-input-widget .quick-input-box input').filter({ visible: true }).first();
  await poll(async () => /^\d+(,\d+)+$/.test(await input.inputValue().catch(() => '')), {
    timeoutMs: 15000,
    intervalMs: 200,
    what: 'the seeds input box',
  });
  await input.fill('0,1,2');
  await input.press('Enter');
  const frame = webview(page);
  await poll(
    async () => (await runFailure(page)) || (await frame.locator('#comparison[data-mode="seeds"]').count()) > 0,
    {
      timeoutMs: 3 * DEMO_TIMEOUT_MS,
      intervalMs: 1000,
      what: 'the seeds view (#comparison[data-mode="seeds"]) after three runs',
    },
  );
  const holds = (await frame.locator('#claims-across .holds').allTextContents()).map((t) => t.trim());
  if (holds.length === 0 || !holds.every((t) => /^holds at [0-3] of 3$/.test(t)))
    throw new Error(`expected "holds at k of 3" per claim, got ${JSON.stringify(holds)}`);
  const legend = await frame.locator('.plot .u-legend .u-series:not(.band-edge) .u-label').allTextContents();
  if (!legend.some((l) => /mean of 3 seeds/.test(l)))
    throw new Error(`no seed mean in the legend: ${legend.join(', ')}`);
  log(`  seeds: ${holds.join(', ')}`);
  await frame.locator('#run-bar a[data-jump="results"]').click();
  await sleep(600);
  await screenshot(page, 'seeds');

  await runCommand(page, 'Paper Lab: Compare Runs');
  const box = page.locator('.quick-input-widget .quick-input-box input').filter({ visible: true }).first();
  await poll(async () => /runs? of one demo|choose a paper/i.test((await box.getAttribute('placeholder')) ?? ''), {
    timeoutMs: 15000,
    intervalMs: 200,
    what: 'the Compare Runs quick pick',
  });
  if (/choose a paper/i.test((await box.getAttribute('placeholder')) ?? ''))
    await pick(page, paper.title, { placeholder: /choose a paper/i });
  await poll(async () => /runs? of one demo/i.test((await box.getAttribute('placeholder')) ?? ''), {
    timeoutMs: 15000,
    intervalMs: 200,
    what: 'the list of runs to compare',
  });
  await box.fill('seed 0');
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ visible: true });
  await poll(async () => (await rows.count()) >= 2, { timeoutMs: 10000, intervalMs: 200, what: 'two runs at seed 0' });
  // In a multi-select quick pick a click on a row toggles its check box; the widget counts the checked rows.
  for (const i of [0, 1]) await rows.nth(i).click();
  await poll(
    async () =>
      /\b2\b/.test(
        (await page
          .locator('.quick-input-widget .quick-input-count')
          .filter({ visible: true })
          .first()
          .textContent()
          .catch(() => '')) ?? '',
      ),
    {
      timeoutMs: 10000,
      intervalMs: 200,
      what: 'two runs checked ("2 Selected")',
    },
  );
  await box.press('Enter');
  await poll(async () => (await frame.locator('#comparison[data-mode="runs"]').count()) > 0, {
    timeoutMs: 30000,
    intervalMs: 500,
    what: 'the comparison (#comparison[data-mode="runs"])',
  });
  const series = await frame.locator('.plot').first().locator('.u-legend .u-series .u-label').allTextContents();
  const runsShown = new Set(series.map((l) => l.split(' · ').slice(1).join(' · ')).filter((l) => l !== ''));
  if (runsShown.size < 2) throw new Error(`expected two runs in one chart, legend: ${series.join(', ')}`);
  const settings = await frame.locator('#settings-diff tr[data-setting]').count();
  if (settings < 4) throw new Error(`the settings table has ${settings} rows`);
  log(`  compared: ${[...runsShown].join(' / ')}; ${settings} settings rows`);
  await frame.locator('#run-bar a[data-jump="results"]').click();
  await sleep(600);
  await screenshot(page, 'compare');
}

/** The 1-based line a shipped source opens at (its first annotation), read from the source itself. */
function firstAnnotatedLine(file) {
  const line = evalSource(
    "Promise.all([import('./src/extension/sourcePaths.ts'), import('node:fs')]).then(([m, fs]) => " +
      `console.log((m.firstAnnotatedLine ?? m.default.firstAnnotatedLine)(fs.readFileSync(${JSON.stringify(file)}, 'utf8'))))`,
    `the first annotation of ${file}`,
  );
  return line + 1;
}

/**
 * Open Implementation shows the shipped source read-only, at its first annotation with the line
 * selected, and without the type errors an installed file would show.
 */
async function openImplementation(page, paper, file) {
  await closeAllEditors(page);
  await runCommand(page, 'Paper Lab: Open Implementation');
  await pick(page, paper.title, { placeholder: /choose a paper/i });
  await pick(page, file.split('/').pop(), { placeholder: /choose a file/i });
  const editor = page.locator('.editor-instance .monaco-editor').filter({ visible: true }).first();
  await editor.waitFor({ state: 'visible', timeout: 30000 });
  const expected = firstAnnotatedLine(file);
  const cursor = page.locator('.statusbar-item', { hasText: /Ln \d+, Col \d+/ }).first();
  const line = await poll(
    async () => {
      const m = /Ln (\d+)/.exec((await cursor.textContent().catch(() => '')) ?? '');
      return m && Number(m[1]) === expected ? Number(m[1]) : undefined;
    },
    { timeoutMs: 20000, intervalMs: 300, what: `the cursor on line ${expected}, the first annotation` },
  );
  await editor.click({ position: { x: 200, y: 10 } }).catch(() => {});
  await page.keyboard.type('x');
  const refused = page.locator('.monaco-editor-overlaymessage', { hasText: /read-only|readonly/i });
  await refused.first().waitFor({ state: 'attached', timeout: 10000 });
  await sleep(4000);
  const squiggles = await editor.locator('.squiggly-error').count();
  if (squiggles > 0) throw new Error(`the read-only source shows ${squiggles} error squiggles`);
  log(`  ${file} opened read-only at line ${line}; typing was refused; no error squiggles`);
  await screenshot(page, 'implementation-read-only');
}

/** Types a word into a finished run's query box and waits for the answer table. */
async function askQuery(page, query, input) {
  const frame = webview(page);
  const box = frame.locator(`#query-${query} input`);
  await box.waitFor({ state: 'visible', timeout: 30000 });
  await box.fill(input);
  await frame.locator(`.query-button[data-query="${query}"]`).click();
  const rows = frame.locator(`.query[data-query="${query}"] .output table tbody tr`);
  await poll(async () => (await rows.count()) >= 3, { timeoutMs: 30000, what: `the answer to "${input}"` });
  const first = (await rows.first().textContent())?.trim();
  log(`  nearest to "${input}": ${first}`);
  await frame
    .locator(`.query[data-query="${query}"]`)
    .scrollIntoViewIfNeeded()
    .catch(() => {});
  await screenshot(page, `query-${query}`);
}

async function uiSteps(page, catalog, ws) {
  const fedopt = catalog.find((p) => p.id === 'fedopt');
  if (!fedopt) throw new Error('the catalog has no fedopt paper');

  await step(page, 'tree-view', async () => {
    const button = page.locator('.part.activitybar .action-item a[aria-label^="Paper Lab"]').first();
    await button.waitFor({ state: 'visible', timeout: 30000 });
    const sidebar = page.locator('.part.sidebar');
    if (!(await sidebar.isVisible()) || !((await sidebar.textContent()) ?? '').includes(catalog[0].title)) {
      await button.click();
    }
    const missing = await poll(
      async () => {
        const text = (await sidebar.textContent()) ?? '';
        const absent = catalog.filter((p) => !text.includes(p.title));
        return absent.length === 0 ? [] : undefined;
      },
      { timeoutMs: 30000, intervalMs: 300, what: 'the seven paper titles in the Paper Lab view' },
    ).catch(async (e) => {
      const text = (await sidebar.textContent()) ?? '';
      const absent = catalog.filter((p) => !text.includes(p.title)).map((p) => p.title);
      throw new Error(`${e.message}\nmissing: ${absent.join(' | ')}\nsidebar: ${text.slice(0, 600)}`);
    });
    if (missing.length) throw new Error('titles missing');
    await screenshot(page, 'tree-view');
  });

  await step(page, 'open-paper', async () => {
    await closeAllEditors(page);
    await runCommand(page, 'Paper Lab: Open Paper');
    await pick(page, fedopt.title, { placeholder: /choose a paper/i });
    const eq = webview(page).locator('.equation .katex');
    await eq.first().waitFor({ state: 'visible', timeout: 30000 });
    const n = await eq.count();
    if (n < 2) throw new Error(`expected the FedOpt equations rendered by KaTeX, found ${n}`);
    log(`  ${n} rendered equations`);
    await screenshot(page, 'fedopt-panel');
  });

  await step(page, 'run-demo', () => runQuickDemo(page, fedopt, 'label-histogram'));
  await step(page, 'seeds-and-compare', () => seedsAndCompare(page, fedopt));
  for (const [id, output] of DEMO_OUTPUTS) {
    const paper = catalog.find((p) => p.id === id);
    if (paper) await step(page, `run-demo-${id}`, () => runQuickDemo(page, paper, output));
  }
  const rims = catalog.find((p) => p.id === 'rims');
  if (rims) await step(page, 'run-controls', () => runControls(page, rims));
  const flyvec = catalog.find((p) => p.id === 'flyvec');
  if (flyvec) {
    await step(page, 'run-demo-flyvec', () => runQuickDemo(page, flyvec, 'neighbours'));
    await step(page, 'flyvec-query', () => askQuery(page, 'neighbours', 'war'));
  }

  await step(page, 'codelens', async () => {
    await closeAllEditors(page);
    await openQuickInput(page, '', 'my_fedavg.py');
    await pick(page, 'my_fedavg.py');
    await page.locator('.monaco-editor .view-lines').first().waitFor({ state: 'visible', timeout: 15000 });
    const lens = page.locator('.codelens-decoration a', { hasText: 'FedOpt' }).first();
    await lens.waitFor({ state: 'visible', timeout: 30000 }).catch(async (e) => {
      const all = await page.locator('.codelens-decoration').allTextContents();
      throw new Error(`${e.message}\nCodeLenses shown: ${JSON.stringify(all)}`);
    });
    log(`  CodeLens: ${(await lens.textContent())?.trim()}`);
    await screenshot(page, 'codelens');
    await lens.click();
    const frame = webview(page);
    const focused = await poll(
      async () => {
        const f = frame.locator('.equation.focused');
        if ((await f.count()) > 0 && (await f.first().isVisible())) return (await f.first().getAttribute('id')) ?? '?';
        const byId = frame.locator(`#eq-${fedopt.refs.includes('client-update') ? 'client-update' : fedopt.refs[0]}`);
        if ((await byId.count()) > 0 && (await byId.isVisible())) {
          const inView = await byId.evaluate((el) => {
            const r = el.getBoundingClientRect();
            return r.top >= 0 && r.top < el.ownerDocument.documentElement.clientHeight;
          });
          if (inView) return (await byId.getAttribute('id')) ?? '?';
        }
        return undefined;
      },
      { timeoutMs: 30000, intervalMs: 300, what: 'the focused equation in the FedOpt panel' },
    );
    log(`  focused ${focused}`);
    await screenshot(page, 'codelens-equation');
  });

  await step(page, 'panels-fit', async () => {
    if (overflows.length > 0) throw new Error(`panels wider than their editor:\n${overflows.join('\n')}`);
  });

  await step(page, 'open-implementation', () => openImplementation(page, fedopt, 'src/models/fedopt/server.ts'));
  await step(page, 'panel-themes', () => panelThemes(page, fedopt));
  void ws;
}

// ---------------------------------------------------------------------------------------------
// Restricted Mode

/**
 * The same .vsix in a code-server with workspace trust on and the folder not trusted (Restricted
 * Mode): the Paper Lab view lists the papers and a quick FedOpt run completes with its claims.
 */
async function untrustedSteps(context, paths, catalog) {
  const runDir = makeRunDir({
    prefix: 'paper-lab-e2e-untrusted-',
    settings: {
      'security.workspace.trust.enabled': true,
      'security.workspace.trust.startupPrompt': 'never',
      'security.workspace.trust.banner': 'never',
      'security.workspace.trust.emptyWindow': false,
    },
  });
  const ws = join(runDir, 'ws');
  cpSync(join(repoRoot, 'examples'), ws, { recursive: true });
  await installVsix(paths, runDir, VSIX);
  const server = await startCodeServer(paths, runDir, { workspace: ws, workspaceTrust: true });
  const page = await context.newPage();
  try {
    await step(page, 'untrusted-workspace', async () => {
      await page.goto(`${server.url}/?folder=${encodeURIComponent(ws)}`);
      await waitForWorkbench(page);
      const restricted = page.locator('.part.statusbar', { hasText: 'Restricted Mode' });
      await restricted.waitFor({ state: 'visible', timeout: 30000 }).catch(() => {
        throw new Error('the workbench is not in Restricted Mode: the folder is trusted, so this step checks nothing');
      });
      const button = page.locator('.part.activitybar .action-item a[aria-label^="Paper Lab"]').first();
      await button.waitFor({ state: 'visible', timeout: 30000 }).catch(() => {
        throw new Error('no Paper Lab view in Restricted Mode: the extension is disabled in untrusted workspaces');
      });
      const sidebar = page.locator('.part.sidebar');
      if (!((await sidebar.textContent()) ?? '').includes(catalog[0].title)) await button.click();
      await poll(
        async () => {
          const text = (await sidebar.textContent()) ?? '';
          return catalog.every((p) => text.includes(p.title));
        },
        {
          timeoutMs: 30000,
          what: 'the paper titles in the Paper Lab view (Restricted Mode)',
        },
      );
      await screenshot(page, 'untrusted-tree');
      const fedopt = catalog.find((p) => p.id === 'fedopt');
      await runQuickDemo(page, fedopt);
    });
  } finally {
    await page.close().catch(() => {});
    await server.stop();
    removeRunDir(runDir);
  }
}

// ---------------------------------------------------------------------------------------------
// The extension-host suite

async function hostSuite(context, server, ws) {
  const page = await context.newPage();
  const hostLog = [];
  let exitCode;
  let resolveExit;
  const exited = new Promise((r) => (resolveExit = r));
  await page.exposeFunction('codeAutomationLog', (type, logArgs) => {
    const list = Array.isArray(logArgs) ? logArgs : [logArgs];
    const formatted = typeof list[0] === 'string' ? format(...list) : list.map((a) => String(a)).join(' ');
    // eslint-disable-next-line no-control-regex
    const text = formatted.replace(/\x1b\[[0-9;]*m/g, '');
    hostLog.push(`[${type}] ${text}`);
    // The suite reports through console.log; errors and warnings are mostly the workbench's own.
    if (type !== 'log' && type !== 'info') return;
    if (WORKBENCH_NOISE.test(text)) return;
    process.stdout.write(text.endsWith('\n') ? text : text + '\n');
  });
  await page.exposeFunction('codeAutomationExit', (code) => {
    exitCode = code;
    resolveExit(code);
  });
  const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(repoRoot)],
    ['extensionTestsPath', remote(SUITE)],
  ];
  const url = `${server.url}/?folder=${encodeURIComponent(ws)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const ok = await step(page, 'extension-host-suite', async () => {
    await page.goto(url);
    const timer = sleep(HOST_SUITE_TIMEOUT_MS).then(() => 'timeout');
    const r = await Promise.race([exited, timer]);
    if (r === 'timeout') throw new Error(`the suite did not finish within ${HOST_SUITE_TIMEOUT_MS / 1000} s`);
    if (exitCode !== 0) throw new Error(`the extension-host suite exited with code ${exitCode}`);
  });
  writeFileSync(join(RESULTS, 'extension-host-suite.log'), hostLog.join('\n') + '\n');
  if (!ok || exitCode !== 0) await screenshot(page, 'extension-host-suite');
  await page.close().catch(() => {});
}

// ---------------------------------------------------------------------------------------------

async function main() {
  rmSync(RESULTS, { recursive: true, force: true });
  mkdirSync(RESULTS, { recursive: true });

  if (!args.has('--skip-package')) {
    log('packaging paper-lab.vsix (vsce runs the production build)');
    rmSync(VSIX, { force: true });
    await run('npx', ['vsce', 'package', ...vsceArgs(), '--out', VSIX], { cwd: repoRoot });
  }
  if (!existsSync(VSIX)) throw new Error(`${VSIX} is missing`);
  const size = statSync(VSIX).size;
  log(`paper-lab.vsix: ${(size / 1024 / 1024).toFixed(2)} MB`);
  if (size > MAX_VSIX_BYTES) {
    throw new Error(
      `paper-lab.vsix is ${(size / 1024 / 1024).toFixed(1)} MB, over the 25 MB limit: check .vscodeignore`,
    );
  }
  if (!args.has('--skip-host') && !args.has('--no-build')) {
    log('building the extension-host suite (out/e2e-suite.js)');
    await run(process.execPath, ['esbuild.mjs', '--production', '--tests'], { cwd: repoRoot });
  }
  const catalog = loadCatalog();
  log(`catalog: ${catalog.map((p) => p.id).join(', ')}`);

  const paths = await ensureToolchain();
  const runDir = makeRunDir({ prefix: 'paper-lab-e2e-' });
  const ws = join(runDir, 'ws');
  cpSync(join(repoRoot, 'examples'), ws, { recursive: true });
  log(`installing the .vsix into ${runDir}`);
  await installVsix(paths, runDir, VSIX);
  const server = await startCodeServer(paths, runDir, { workspace: ws });
  log(`code-server at ${server.url}`);

  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'paper-lab-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: !args.has('--headed'),
    args: CHROMIUM_ARGS,
    viewport: { width: 1440, height: 900 },
  });
  const consoleLines = [];
  context.on('page', (p) =>
    p.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') consoleLines.push(`[${m.type()}] ${m.text()}`);
    }),
  );
  try {
    if (!args.has('--skip-ui')) {
      const page = context.pages()[0] ?? (await context.newPage());
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') consoleLines.push(`[${m.type()}] ${m.text()}`);
      });
      const loaded = await step(page, 'workbench', async () => {
        await page.goto(`${server.url}/?folder=${encodeURIComponent(ws)}`);
        await waitForWorkbench(page);
        await screenshot(page, 'workbench');
      });
      if (loaded) await uiSteps(page, catalog, ws);
      await page.close().catch(() => {});
    }
    if (!args.has('--skip-host')) await hostSuite(context, server, ws);
    if (!args.has('--skip-ui')) await untrustedSteps(context, paths, catalog);
  } finally {
    writeFileSync(join(RESULTS, 'browser-console.log'), consoleLines.join('\n') + '\n');
    writeFileSync(join(RESULTS, 'code-server.log'), server.output());
    await context.close().catch(() => {});
    await server.stop();
    removeRunDir(runDir);
    removeRunDir(profile);
  }
}

let fatal;
try {
  await main();
} catch (e) {
  fatal = e;
  console.error(`\ne2e: ${e instanceof Error ? e.message : e}`);
}
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed + (fatal ? 1 : 0);
console.log(`\nE2E steps (${((Date.now() - started) / 1000).toFixed(0)} s total):`);
for (const r of results)
  console.log(`  ${r.ok ? '✔' : '✘'} ${r.name} (${r.s} s)${r.ok ? '' : `: ${r.error.message.split('\n')[0]}`}`);
console.log(`Screenshots and logs: ${RESULTS.slice(repoRoot.length + 1)}/`);
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);

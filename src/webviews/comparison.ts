/**
 * Several runs of one demo in the results area: the seeds of one config as a mean with a min–max
 * band, or any runs laid over each other (one dash per run); then the settings that differ and
 * every claim in each run, with its mean and how many runs it holds in.
 */
import {
  bandCharts,
  claimsAcross,
  isSeedSet,
  memberLabels,
  overlayCharts,
  RUN_DASH_NAMES,
  settingRows,
  type RunSetChart,
} from '../shared/runSet';
import type { DemoView, RunSetEntry } from '../shared/webviewProtocol';
import { clear, h } from './dom';
import { formatMeasured } from './format';
import { PlotsView, type ChartView } from './plots';

function headerRow(cells: readonly string[]): HTMLTableRowElement {
  return h('tr', {}, ...cells.map((c, i) => h('th', { scope: 'col', class: i === 0 ? '' : 'num' }, c)));
}

export class ComparisonView {
  readonly element: HTMLElement;
  private readonly plots = new PlotsView();
  private readonly intro = h('p', { class: 'comparison-intro' });
  private readonly settings = h('div', { class: 'table-wrap' });
  private readonly claims = h('div', { class: 'table-wrap' });

  constructor() {
    this.element = h(
      'div',
      { class: 'comparison', id: 'comparison' },
      this.intro,
      h('h3', {}, 'Plots'),
      this.plots.element,
      h('h3', {}, 'Settings'),
      this.settings,
      h('h3', {}, 'Claims'),
      this.claims,
    );
  }

  /** Shows the runs; returns the one-line title of what is shown. */
  show(demo: DemoView, entries: readonly RunSetEntry[]): string {
    const records = entries.map((e) => e.record);
    const seeds = isSeedSet(records);
    const labels = seeds ? records.map((r) => `seed ${r.seed}`) : memberLabels(records);
    const charts: RunSetChart[] = seeds ? bandCharts(demo.plots, entries) : overlayCharts(demo.plots, entries, labels);
    const first = records[0];
    const title = seeds
      ? `${demo.title} · preset ${first?.preset ?? ''} · seeds ${records.map((r) => r.seed).join(', ')}`
      : `${demo.title} · ${entries.length} runs compared`;
    this.element.dataset['mode'] = seeds ? 'seeds' : 'runs';
    this.intro.textContent = seeds
      ? `The same config at ${entries.length} seeds: each line is the mean over the seeds, the shaded band runs from the lowest to the highest seed at each step (where only some seeds logged a step, over those that did).`
      : `Each run has its own line style (solid, dashed, dotted, …), each series its colour: ${labels
          .map((l, i) => `${RUN_DASH_NAMES[i % RUN_DASH_NAMES.length] ?? 'solid'} = ${l}`)
          .join('; ')}.`;
    this.plots.reset(
      charts.map((c, i): ChartView => ({
        ...c.spec,
        id: `compare-${demo.plots[i]?.id ?? i}`,
        styles: c.styles,
        bands: c.bands,
      })),
    );
    // Each chart has its own derived metric names; one batch of points per chart.
    charts.forEach((c) => this.plots.add(c.points));
    this.plots.flush();
    this.renderSettings(records, labels);
    this.renderClaims(demo, entries, labels);
    return title;
  }

  private renderSettings(records: readonly RunSetEntry['record'][], labels: readonly string[]): void {
    clear(this.settings);
    const rows = settingRows(records);
    this.settings.appendChild(
      h(
        'table',
        { class: 'data-table settings-diff', id: 'settings-diff' },
        h(
          'caption',
          { class: 'muted' },
          'Seed, preset, backend and status of each run, then only the fields that differ.',
        ),
        h('thead', {}, headerRow(['setting', ...labels])),
        h(
          'tbody',
          {},
          ...rows.map(([name, ...values]) =>
            h(
              'tr',
              { 'data-setting': name ?? '' },
              h('th', { scope: 'row' }, name ?? ''),
              ...values.map((v) => h('td', { class: 'num' }, v)),
            ),
          ),
        ),
      ),
    );
  }

  private renderClaims(demo: DemoView, entries: readonly RunSetEntry[], labels: readonly string[]): void {
    clear(this.claims);
    const across = claimsAcross(entries.map((e) => (e.record.status === 'completed' ? e.summary : null)));
    if (across.length === 0) {
      this.claims.appendChild(h('p', { class: 'muted' }, 'No run here measured a claim.'));
      return;
    }
    const unjudged = entries.filter((e) => e.record.status !== 'completed').length;
    this.claims.appendChild(
      h(
        'table',
        { class: 'data-table claims-across', id: 'claims-across' },
        h(
          'caption',
          { class: 'muted' },
          unjudged > 0
            ? `Only completed runs are judged: ${unjudged} of ${entries.length} did not complete and count as not holding.`
            : 'Each claim in every run, the mean of the measured values, and in how many runs it holds.',
        ),
        h('thead', {}, headerRow(['Claim', 'Target', ...labels, 'Mean', 'Holds'])),
        h(
          'tbody',
          {},
          ...across.map((c) => {
            const unit = c.unit ?? demo.claims.find((x) => x.id === c.id)?.unit;
            return h(
              'tr',
              { 'data-claim': c.id },
              h('th', { scope: 'row', class: 'claim-text' }, c.text),
              h('td', { class: 'target' }, c.target),
              ...c.perRun.map((p) =>
                h(
                  'td',
                  { class: 'num' },
                  `${formatMeasured(p.measured, unit, c.target)} `,
                  h('span', { class: p.pass ? 'badge pass' : 'badge fail' }, p.pass ? 'PASS' : 'FAIL'),
                ),
              ),
              h('td', { class: 'num' }, formatMeasured(c.mean, unit, c.target)),
              h(
                'td',
                { class: 'holds' },
                h('span', { class: c.holds === c.of ? 'badge pass' : 'badge fail' }, `holds at ${c.holds} of ${c.of}`),
              ),
            );
          }),
        ),
      ),
    );
  }

  dispose(): void {
    this.plots.dispose();
  }
}

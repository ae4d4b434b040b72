/** The claims table: each claim, what this run measured, the target and the verdict. */
import type { PaperFigure } from '../shared/catalog';
import type { RunSummary } from '../shared/runs';
import { claimsVerdict, verdictLine } from '../shared/verdict';
import type { ClaimView } from '../shared/webviewProtocol';
import { clear, h } from './dom';
import { formatMeasured } from './format';
import { paperFiguresElement } from './paperFigures';

export class ClaimsTable {
  readonly element: HTMLElement;
  private readonly body: HTMLTableSectionElement;
  private readonly caption: HTMLElement;

  constructor() {
    this.body = h('tbody');
    this.caption = h('caption', { class: 'muted' });
    this.element = h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { id: 'claims-table', class: 'data-table claims' },
        this.caption,
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'Claim'),
            h('th', { scope: 'col', class: 'num' }, 'Measured'),
            h('th', { scope: 'col' }, 'Target'),
            h('th', { scope: 'col' }, 'Verdict'),
          ),
        ),
        this.body,
      ),
    );
  }

  /** Shows the claims a run will check, before it has measured them. */
  showPending(claims: readonly ClaimView[], note: string): void {
    clear(this.body);
    this.caption.textContent = note;
    let previous: string | undefined;
    for (const c of claims) {
      this.body.appendChild(this.row(c.id, c.text, '—', c.target, null, c.caveat, c.paperFigures, previous));
      previous = c.caveat;
    }
  }

  /**
   * Shows what a run measured. Only a completed run is judged: the claims of a run that stopped,
   * failed or was interrupted are "not evaluated", with what it had measured shown for reference.
   */
  showSummary(claims: readonly ClaimView[], summary: RunSummary): void {
    clear(this.body);
    const verdict = claimsVerdict(summary.status, summary.claims);
    this.caption.textContent =
      verdict.kind === 'not-evaluated'
        ? `Not evaluated: the run ${summary.status} before it finished; the values are what it had measured by then.`
        : `${verdictLine(verdict, summary.status)}.`;
    let previous: string | undefined;
    for (const r of summary.claims) {
      const claim = claims.find((c) => c.id === r.id);
      const unit = r.unit ?? claim?.unit;
      const pass = verdict.kind === 'not-evaluated' ? 'not-evaluated' : r.pass;
      const measured = formatMeasured(r.measured, unit, r.target);
      this.body.appendChild(this.row(r.id, r.text, measured, r.target, pass, r.caveat, claim?.paperFigures, previous));
      previous = r.caveat;
    }
  }

  private row(
    id: string,
    text: string,
    measured: string,
    target: string,
    pass: boolean | null | 'not-evaluated',
    caveat: string | undefined,
    paperFigures: readonly PaperFigure[] | undefined,
    previousCaveat: string | undefined,
  ): HTMLTableRowElement {
    const verdict =
      pass === null
        ? h('span', { class: 'badge pending' }, 'pending')
        : pass === 'not-evaluated'
          ? h(
              'span',
              { class: 'badge not-evaluated', title: 'The run did not finish, so it is not judged' },
              'not evaluated',
            )
          : h('span', { class: pass ? 'badge pass' : 'badge fail' }, pass ? 'PASS' : 'FAIL');
    return h(
      'tr',
      { 'data-claim': id },
      h(
        'th',
        { scope: 'row', class: 'claim-text' },
        text,
        caveatElement(caveat, previousCaveat),
        paperFiguresElement(paperFigures),
      ),
      h('td', { class: 'num measured' }, measured),
      h('td', { class: 'target' }, target),
      h('td', { class: 'verdict' }, verdict),
    );
  }
}

/**
 * A caveat folded under its claim (the summary says what it is about; the text opens on demand),
 * and written once: a row with the same caveat as the row above points to it instead.
 */
function caveatElement(caveat: string | undefined, previous: string | undefined): HTMLElement | null {
  if (!caveat) return null;
  if (caveat === previous) return h('div', { class: 'caveat' }, 'Caveat: as for the claim above.');
  const first = /^[^.:;]*/.exec(caveat)?.[0] ?? '';
  const summary = first.length > 0 && first.length <= 80 && first.length < caveat.length ? first : 'Caveat';
  return h(
    'details',
    { class: 'caveat' },
    h('summary', {}, summary === 'Caveat' ? 'Caveat' : `Caveat: ${summary}`),
    h('p', { class: 'caveat-text' }, caveat),
  );
}

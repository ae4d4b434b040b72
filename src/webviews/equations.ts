/** The key equations, each with its "Implemented in" code locations. */
import type { Equation } from '../shared/catalog';
import { PanelOpenLocation, type CodeLocation } from '../shared/webviewProtocol';
import { clear, h } from './dom';
import { renderMath } from './math';
import type { HostChannel } from './vscodeApi';

export class EquationList {
  readonly element: HTMLElement;
  private readonly locationLists = new Map<string, HTMLElement>();
  private flashTimer: number | undefined;

  constructor(
    equations: readonly Equation[],
    private readonly host: HostChannel,
  ) {
    this.element = h('div', { class: 'equations' });
    for (const eq of equations) this.element.appendChild(this.renderEquation(eq));
  }

  private renderEquation(eq: Equation): HTMLElement {
    const labelId = `eq-label-${eq.ref}`;
    const math = h('div', { class: 'equation-math' });
    renderMath(math, eq.tex, true, eq.paperNumber);
    const locations = h('div', { class: 'locations' });
    this.locationLists.set(eq.ref, locations);
    return h(
      'section',
      { class: 'equation', id: `eq-${eq.ref}`, 'data-ref': eq.ref, tabindex: -1, 'aria-labelledby': labelId },
      h('h3', { class: 'equation-label', id: labelId }, eq.label),
      math,
      eq.note ? h('p', { class: 'equation-note' }, eq.note) : null,
      locations,
    );
  }

  setLocations(all: Readonly<Record<string, readonly CodeLocation[]>>): void {
    for (const [ref, list] of this.locationLists) {
      clear(list);
      const locations = all[ref] ?? [];
      if (locations.length === 0) {
        list.appendChild(h('p', { class: 'muted' }, 'No implementing code found.'));
        continue;
      }
      const ul = h('ul', { class: 'location-list' });
      for (const loc of locations) {
        const button = h(
          'button',
          {
            type: 'button',
            class: 'link-button',
            title: `Open ${loc.label} at line ${loc.line + 1}`,
          },
          `${loc.label}:${loc.line + 1}`,
        );
        button.addEventListener('click', () =>
          this.host.post(PanelOpenLocation.create({ uri: loc.uri, line: loc.line })),
        );
        ul.appendChild(h('li', {}, button, loc.shipped ? null : h('span', { class: 'tag' }, 'workspace')));
      }
      list.append(h('span', { class: 'locations-title' }, 'Implemented in'), ul);
    }
  }

  /** Scrolls to an equation and highlights it briefly. */
  focus(ref: string): void {
    const target = this.element.querySelector<HTMLElement>(`#eq-${CSS.escape(ref)}`);
    if (!target) return;
    target.scrollIntoView({ behavior: 'smooth', block: 'center' });
    target.focus({ preventScroll: true });
    for (const el of this.element.querySelectorAll('.equation.flash')) el.classList.remove('flash');
    target.classList.add('flash');
    window.clearTimeout(this.flashTimer);
    this.flashTimer = window.setTimeout(() => target.classList.remove('flash'), 2200);
  }
}

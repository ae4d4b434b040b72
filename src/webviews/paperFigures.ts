/**
 * The paper's own numbers beside a claim or under a plot: one line each, "<what> — paper: <value>
 * <unit> (<source>)", with the paper's setting both as a tooltip and as visible small text (a
 * tooltip alone cannot be reached from the keyboard).
 */
import type { PaperFigure } from '../shared/catalog';
import { h } from './dom';
import { paperFigureLine, paperFigureSetting } from './paperFigureText';

/** The figures as a list, or null when there are none. */
export function paperFiguresElement(figures: readonly PaperFigure[] | undefined, extraClass = ''): HTMLElement | null {
  if (figures === undefined || figures.length === 0) return null;
  return h(
    'ul',
    { class: `paper-figures ${extraClass}`.trim(), 'aria-label': 'The paper’s own figures' },
    ...figures.map((f) => {
      const setting = paperFigureSetting(f);
      return h(
        'li',
        { class: 'paper-figure', 'data-paper-figure': f.id, title: setting },
        h('span', { class: 'paper-figure-line' }, paperFigureLine(f)),
        h('span', { class: 'paper-figure-setting' }, setting),
      );
    }),
  );
}

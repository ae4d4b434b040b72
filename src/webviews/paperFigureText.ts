/**
 * The words the panel shows for a number the paper reports: pure, so it is tested without a DOM
 * (the elements are built in paperFigures.ts).
 */
import type { PaperFigure } from '../shared/catalog';

/** "paper: 2.99 bits/dim (Table 2)": the value as the paper prints it, its unit, and where. */
export function paperFigureText(figure: PaperFigure): string {
  const unit = figure.unit === undefined || figure.unit === '' ? '' : ` ${figure.unit}`;
  return `paper: ${figure.value}${unit} (${figure.source})`;
}

/** The setting, spelled out for the tooltip and the footnote: "Paper's setting: CIFAR-10, …". */
export function paperFigureSetting(figure: PaperFigure): string {
  return `Paper’s setting: ${figure.setting}`;
}

/** The whole line, label first: "NLL on CIFAR-10 — paper: 2.99 bits/dim (Table 2)". */
export function paperFigureLine(figure: PaperFigure): string {
  return `${figure.what} — ${paperFigureText(figure)}`;
}

/**
 * Colours from VS Code's theme variables, and notification when the theme changes (VS Code
 * swaps the body's `vscode-light` / `vscode-dark` / `vscode-high-contrast` class and variables).
 */
import { cssVar } from './dom';

export { seriesColor } from './seriesColor';

const CHART_VARS = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-red', '#f14c4c'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-yellow', '#cca700'],
  ['--vscode-charts-orange', '#d18616'],
  ['--vscode-charts-purple', '#b180d7'],
] as const;

export interface Palette {
  readonly series: readonly string[];
  /** A dark theme (light colours read on it), from VS Code's body class. */
  readonly dark: boolean;
  readonly foreground: string;
  readonly muted: string;
  readonly grid: string;
  readonly background: string;
  readonly font: string;
}

export function readPalette(): Palette {
  return {
    series: CHART_VARS.map(([name, fallback]) => cssVar(name, fallback)),
    dark: !document.body.classList.contains('vscode-light'),
    foreground: cssVar('--vscode-foreground', '#cccccc'),
    muted: cssVar('--vscode-descriptionForeground', '#9d9d9d'),
    grid: cssVar('--vscode-editorWidget-border', '#454545'),
    background: cssVar('--vscode-editor-background', '#1e1e1e'),
    font: `${cssVar('--vscode-font-size', '13px')} ${cssVar('--vscode-font-family', 'sans-serif')}`,
  };
}

type Listener = (palette: Palette) => void;
const listeners = new Set<Listener>();
let observer: MutationObserver | undefined;

/** Calls `listener` whenever the theme changes; returns a function that stops it. */
export function onThemeChange(listener: Listener): () => void {
  listeners.add(listener);
  if (!observer) {
    let last = document.body.className;
    observer = new MutationObserver(() => {
      if (document.body.className === last) return;
      last = document.body.className;
      // Let VS Code finish swapping the variables before they are read.
      requestAnimationFrame(() => {
        const palette = readPalette();
        for (const l of listeners) l(palette);
      });
    });
    observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }
  return () => listeners.delete(listener);
}

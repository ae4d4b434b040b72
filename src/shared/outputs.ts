/**
 * Outputs a run produces besides its metric curves. Each is plain JSON, written to
 * `outputs/<id>.json` and rendered by the panel according to its `kind`.
 */

export interface TableOutput {
  readonly kind: 'table';
  readonly id: string;
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number | null)[])[];
  readonly note?: string;
}

/** Grouped or stacked bars, e.g. the label histogram of each client. */
export interface BarsOutput {
  readonly kind: 'bars';
  readonly id: string;
  readonly title: string;
  /** One entry per bar group (e.g. per client). */
  readonly categories: readonly string[];
  /** One series per stacked segment (e.g. per label); `values[i]` belongs to `categories[i]`. */
  readonly series: readonly { readonly label: string; readonly values: readonly number[] }[];
  readonly stacked: boolean;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly note?: string;
}

/** A matrix of values, e.g. final accuracy over a learning-rate grid. */
export interface HeatmapOutput {
  readonly kind: 'heatmap';
  readonly id: string;
  readonly title: string;
  readonly rowLabels: readonly string[];
  readonly colLabels: readonly string[];
  readonly rowTitle: string;
  readonly colTitle: string;
  /** values[r][c]; null where not measured. */
  readonly values: readonly (readonly (number | null)[])[];
  readonly note?: string;
}

/** Points in 2-D, optionally grouped, e.g. samples beside data. */
export interface ScatterOutput {
  readonly kind: 'scatter';
  readonly id: string;
  readonly title: string;
  readonly groups: readonly { readonly label: string; readonly points: readonly (readonly [number, number])[] }[];
  readonly note?: string;
}

/** Grayscale images in [0, 1], row-major, e.g. generated digits or pixel observations. */
export interface ImagesOutput {
  readonly kind: 'images';
  readonly id: string;
  readonly title: string;
  readonly width: number;
  readonly height: number;
  readonly images: readonly { readonly label: string; readonly pixels: readonly number[] }[];
  readonly note?: string;
}

export interface TextOutput {
  readonly kind: 'text';
  readonly id: string;
  readonly title: string;
  readonly text: string;
}

export type RunOutput = TableOutput | BarsOutput | HeatmapOutput | ScatterOutput | ImagesOutput | TextOutput;

export const OUTPUT_KINDS: readonly RunOutput['kind'][] = ['table', 'bars', 'heatmap', 'scatter', 'images', 'text'];

/** One measured figure, printed as "name: value unit (goal …)". */
export interface Figure {
  name: string;
  value: number;
  /** "×" is a ratio to the anchor measured in the same run. */
  unit: "ms" | "s" | "%" | "MB" | "KB" | "keys" | "×";
  /** Upper bound the figure should stay under, in the same unit. */
  goal?: number;
  detail?: string;
}

export type Benchmark = () => Promise<Figure[]>;

/** The p-th percentile of the values (nearest rank), in any order. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

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

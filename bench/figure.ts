/** One measured figure, printed as "name: value unit (goal …)". */
export interface Figure {
  name: string;
  value: number;
  unit: "ms" | "s" | "%" | "MB" | "KB" | "keys";
  /** Upper bound the figure should stay under, in the same unit. */
  goal?: number;
  detail?: string;
}

export type Benchmark = () => Promise<Figure[]>;

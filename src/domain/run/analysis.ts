/**
 * The analysis gate's rules: what a query's answer means against its threshold, and, evaluation after evaluation,
 * whether the soak has passed, the analysis failed or it goes on waiting. Pure: the step (src/app/steps/analysis.ts)
 * asks Prometheus and records what this decides on the run, so a worker that restarts goes on from the run.
 */

export const THRESHOLD_OPS = ["<", "<=", ">", ">=", "==", "!="] as const;

export interface Threshold {
  op: (typeof THRESHOLD_OPS)[number];
  value: number;
}

/** What one query came to in one evaluation. */
export type QueryReading =
  /**
   * `value`: the sample shown, as Prometheus wrote it ("0.0123", "+Inf"): the first failing one, else the first;
   * `series`: its labels, null for a scalar; `warnings`: what Prometheus flagged about the answer (none: absent).
   */
  | {
      name: string;
      kind: "value";
      value: string;
      passed: boolean;
      threshold: Threshold;
      series: string | null;
      warnings?: string[];
    }
  /** Prometheus answered, with no series (or NaN): not passing, not failing. */
  | { name: string; kind: "no-data"; threshold: Threshold; detail: string; warnings?: string[] }
  /** Prometheus could not be asked, or refused the query: not passing, not failing. */
  | { name: string; kind: "unavailable"; threshold: Threshold; detail: string };

/** Where a run's analysis stands, kept on its step (so a restarted worker goes on from it). */
export interface AnalysisProgress {
  /** Since when every query has passed in every evaluation; null while one does not pass. */
  passingSince: string | null;
  /** Per query name, failing evaluations in a row. */
  failures: Record<string, number>;
  readings: QueryReading[];
  evaluatedAt: string;
  /** Where the soak stands in words: "soak 40 s of 120 s", "passed", "failed". */
  headline: string;
}

export interface AnalysisRules {
  minimumSoakMs: number;
  consecutiveFailures: number;
  timeoutMs: number;
}

export type AnalysisVerdict =
  | { kind: "passed"; message: string; progress: AnalysisProgress }
  | { kind: "failed"; message: string; progress: AnalysisProgress }
  | { kind: "timed-out"; message: string; progress: AnalysisProgress }
  | { kind: "waiting"; message: string; progress: AnalysisProgress; soakLeftMs: number | null };

export function passes(value: number, { op, value: limit }: Threshold): boolean {
  switch (op) {
    case "<":
      return value < limit;
    case "<=":
      return value <= limit;
    case ">":
      return value > limit;
    case ">=":
      return value >= limit;
    case "==":
      return value === limit;
    case "!=":
      return value !== limit;
  }
}

export function thresholdText({ op, value }: Threshold): string {
  return `${op} ${value}`;
}

/** A sample's value as Prometheus writes it: a decimal, "NaN", "+Inf" or "-Inf". */
export function sampleNumber(text: string): number {
  if (text === "+Inf" || text === "Inf") return Number.POSITIVE_INFINITY;
  if (text === "-Inf") return Number.NEGATIVE_INFINITY;
  return text.trim() === "" ? Number.NaN : Number(text);
}

/** A value as people read it: at most 4 significant digits. */
export function valueText(text: string): string {
  const value = sampleNumber(text);
  return Number.isFinite(value) ? Number(value.toPrecision(4)).toString() : text;
}

/** One sample of an answer: its labels ("{instance=…}", null for a scalar) and value as Prometheus wrote it. */
export interface Sample {
  series: string | null;
  value: string;
}

/**
 * What a query's answer comes to: every sample must pass. No sample, or only NaN ones (a ratio over no requests),
 * is no data. `warnings` (what Prometheus flagged about the answer) are kept with it, and judge nothing.
 */
export function readingOf(
  name: string,
  threshold: Threshold,
  samples: Sample[],
  warnings: string[] = [],
): QueryReading {
  const flagged = warnings.length > 0 ? { warnings } : {};
  const numbers = samples.filter((s) => !Number.isNaN(sampleNumber(s.value)));
  if (numbers.length === 0) {
    const detail = samples.length === 0 ? "the query returned no series" : "the query returned only NaN";
    return { name, kind: "no-data", threshold, detail, ...flagged };
  }
  const failing = numbers.find((s) => !passes(sampleNumber(s.value), threshold));
  const shown = failing ?? numbers[0];
  return {
    name,
    kind: "value",
    value: shown?.value ?? "",
    passed: failing === undefined,
    threshold,
    series: shown?.series ?? null,
    ...flagged,
  };
}

/** What Prometheus flagged about a reading's answer; none for a query not evaluated. */
export function readingWarnings(reading: QueryReading): string[] {
  return reading.kind === "unavailable" ? [] : (reading.warnings ?? []);
}

function described(reading: QueryReading, flags: string[]): string {
  const warned = flags.length > 0 ? `; Prometheus warned: ${flags.join("; ")}` : "";
  const must = `must be ${thresholdText(reading.threshold)}${warned}`;
  switch (reading.kind) {
    case "value": {
      const where = reading.series ? ` ${reading.series}` : "";
      return `${reading.name} = ${valueText(reading.value)}${where} (${reading.passed ? "passes" : "fails"}: ${must})`;
    }
    case "no-data":
      return `${reading.name}: no data (${reading.detail}; ${must})`;
    case "unavailable":
      return `${reading.name}: not evaluated (${reading.detail})`;
  }
}

/** "errorRate = 0.23 (must be < 0.01)", "p99: no data (…)", without what Prometheus flagged (the card's line). */
export function figureText(reading: QueryReading): string {
  return described(reading, []);
}

/** The figure, then what Prometheus flagged about it: "errorRate = 0 (passes: must be < 0.01; Prometheus warned: …)". */
export function readingText(reading: QueryReading): string {
  return described(reading, readingWarnings(reading));
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

function summary(readings: QueryReading[]): string {
  return readings.length > 0 ? `: ${readings.map(readingText).join("; ")}` : "";
}

/**
 * Folds one evaluation into the analysis. `startedAt`: when the analysis began (the soak of an analysis without
 * queries counts from there). Missing data never counts as passing: the soak starts over after it. A query fails the
 * analysis once it failed its threshold `consecutiveFailures` evaluations in a row; no data in between breaks the row.
 */
export function judgeAnalysis(
  previous: AnalysisProgress | null,
  readings: QueryReading[],
  startedAt: string,
  now: Date,
  rules: AnalysisRules,
): AnalysisVerdict {
  const at = now.toISOString();
  const failures = Object.fromEntries(
    readings.map((r) => [
      r.name,
      r.kind === "value" && !r.passed ? (previous?.failures[r.name] ?? 0) + 1 : 0,
    ]),
  );
  const allPass = readings.every((r) => r.kind === "value" && r.passed);
  const passingSince = allPass ? (previous?.passingSince ?? (readings.length === 0 ? startedAt : at)) : null;
  const soaked = passingSince === null ? null : now.getTime() - Date.parse(passingSince);
  const progress = (headline: string): AnalysisProgress => ({
    passingSince,
    failures,
    readings,
    evaluatedAt: at,
    headline,
  });
  const failing = readings.filter(
    (r) => r.kind === "value" && (failures[r.name] ?? 0) >= rules.consecutiveFailures,
  );
  if (failing.length > 0) {
    const row =
      rules.consecutiveFailures === 1 ? "" : ` in ${rules.consecutiveFailures} evaluations in a row`;
    return {
      kind: "failed",
      message: `analysis failed${row}: ${failing.map(readingText).join("; ")}; nothing destructive ran`,
      progress: progress("failed"),
    };
  }
  if (soaked !== null && soaked >= rules.minimumSoakMs)
    return {
      kind: "passed",
      message: `analysis passed: ${readings.length === 0 ? "the new code ran" : "every query passed"} for ${seconds(soaked)}${summary(readings)}`,
      progress: progress(`passed for ${seconds(soaked)}`),
    };
  const elapsed = now.getTime() - Date.parse(startedAt);
  if (elapsed >= rules.timeoutMs)
    return {
      kind: "timed-out",
      message: `the analysis did not pass within ${seconds(rules.timeoutMs)}${summary(readings)}; nothing destructive ran`,
      progress: progress("timed out"),
    };
  const soak =
    soaked === null
      ? "soak not started: waiting for every query to pass"
      : `soak ${seconds(soaked)} of ${seconds(rules.minimumSoakMs)}`;
  return {
    kind: "waiting",
    message: `${soak}${summary(readings)}`,
    progress: progress(soak),
    soakLeftMs: soaked === null ? null : rules.minimumSoakMs - soaked,
  };
}

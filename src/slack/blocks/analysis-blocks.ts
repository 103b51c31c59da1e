import type { PlanStep } from "../../domain/plan/plan.js";
import { figureText, type QueryReading, readingWarnings } from "../../domain/run/analysis.js";
import type { Run, StepState } from "../../domain/run/run.js";
import { escapeText, truncate } from "./kit.js";

const READING_CHARS = 200;
/** The client already cuts a warning to 200 characters; the card does not rely on what a stored run holds. */
const WARNING_CHARS = 240;

/** One thing Prometheus flagged, as the card shows it: on one line, cut, escaped. */
export function flagText(warning: string): string {
  return escapeText(truncate(warning.replace(/\s+/g, " ").trim(), WARNING_CHARS));
}

function icon(reading: QueryReading): string {
  if (reading.kind === "value") return reading.passed ? ":large_green_circle:" : ":red_circle:";
  return reading.kind === "no-data" ? ":white_circle:" : ":warning:";
}

/** The figure, then on a line each, below it, what Prometheus flagged about its answer. */
function readingLines(reading: QueryReading): string[] {
  return [
    `${icon(reading)} ${escapeText(truncate(figureText(reading), READING_CHARS))}`,
    ...readingWarnings(reading).map((warning) => `    :warning: Prometheus warned: ${flagText(warning)}`),
  ];
}

/**
 * An analysis step on the card while it runs: where the soak stands, then the latest value of each query, one line
 * each (the card is updated in place at every evaluation). Once it ended, its message says how, with the values.
 */
export function analysisStepText(step: PlanStep, state: StepState): string | null {
  if (step.kind !== "analysis" || (state.status !== "running" && state.status !== "waiting")) return null;
  const progress = state.analysis;
  if (!progress) return ":mag: analysing: first evaluation under way";
  return [
    `:mag: analysing: ${escapeText(progress.headline)}`,
    ...progress.readings.flatMap(readingLines),
  ].join("\n");
}

/** A run its analysis failed: the admins' way past it. */
export function analysisOverrideHint(run: Run): string | null {
  const step = run.plan.steps[run.currentStep];
  if (run.status !== "failed" || step?.kind !== "analysis" || run.rollback) return null;
  return `An admin who judges the metrics wrong may let it past: \`/migrate override ${run.id} ${escapeText("<reason>")}\` (audited).`;
}

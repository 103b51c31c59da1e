import type { PlanStep } from "../../domain/plan/plan.js";
import { type QueryReading, readingText } from "../../domain/run/analysis.js";
import type { Run, StepState } from "../../domain/run/run.js";
import { escapeText, truncate } from "./kit.js";

const READING_CHARS = 200;

const ICON: Record<QueryReading["kind"] | "passed" | "failed", string> = {
  passed: ":large_green_circle:",
  failed: ":red_circle:",
  "no-data": ":white_circle:",
  unavailable: ":warning:",
  value: "",
};

function readingLine(reading: QueryReading): string {
  const icon = reading.kind === "value" ? ICON[reading.passed ? "passed" : "failed"] : ICON[reading.kind];
  return `${icon} ${escapeText(truncate(readingText(reading), READING_CHARS))}`;
}

/**
 * An analysis step on the card while it runs: where the soak stands, then the latest value of each query, one line
 * each (the card is updated in place at every evaluation). Once it ended, its message says how, with the values.
 */
export function analysisStepText(step: PlanStep, state: StepState): string | null {
  if (step.kind !== "analysis" || (state.status !== "running" && state.status !== "waiting")) return null;
  const progress = state.analysis;
  if (!progress) return ":mag: analysing: first evaluation under way";
  const soak = (state.message ?? "").split(": ")[0] ?? "";
  return [`:mag: analysing: ${escapeText(soak)}`, ...progress.readings.map(readingLine)].join("\n");
}

/** A run its analysis failed: the admins' way past it. */
export function analysisOverrideHint(run: Run): string | null {
  const step = run.plan.steps[run.currentStep];
  if (run.status !== "failed" || step?.kind !== "analysis" || run.rollback) return null;
  return `An admin who judges the metrics wrong may let it past: \`/migrate override ${run.id} ${escapeText("<reason>")}\` (audited).`;
}

import type { PlanStep } from "../../domain/plan/plan.js";
import { figureText, readingText, readingWarnings } from "../../domain/run/analysis.js";
import type { StepState } from "../../domain/run/run.js";
import { flagText } from "./analysis-blocks.js";
import { escapeText, fitLines, truncate } from "./kit.js";

/**
 * Characters of the warning lines under one ended analysis step: with its title and message they stay well within
 * the section's 3,000, and leave most of the card's 12,000 to the steps after it (the gate being decided).
 */
export const ENDED_WARNINGS_CHARS = 1500;
const NAME_CHARS = 40;

const ENDED: ReadonlySet<StepState["status"]> = new Set(["succeeded", "failed", "cancelled"]);

/**
 * An ended analysis step whose last evaluation Prometheus flagged: its message with the figures only (the flags,
 * said after each figure, would be cut with it at the card's length, or lost), and the flags on lines of their
 * own, each naming its query. Null for any other step.
 */
export function endedAnalysis(
  step: PlanStep,
  state: StepState,
): { message: string | null; lines: string[] } | null {
  if (step.kind !== "analysis" || !ENDED.has(state.status)) return null;
  const flagged = (state.analysis?.readings ?? []).filter((r) => readingWarnings(r).length > 0);
  if (flagged.length === 0) return null;
  // The message says each reading as readingText wrote it; a message that does not (an override's) is kept whole.
  const message = flagged.reduce<string | null>(
    (text, reading) => text?.replaceAll(readingText(reading), () => figureText(reading)) ?? null,
    state.message,
  );
  const lines = flagged.flatMap((reading) =>
    readingWarnings(reading).map(
      (warning) =>
        `    :warning: Prometheus warned about ${escapeText(truncate(reading.name, NAME_CHARS))}: ${flagText(warning)}`,
    ),
  );
  const more = (left: number) => `    …and ${left} more (in phasegate's log)`;
  return { message, lines: fitLines(lines, ENDED_WARNINGS_CHARS, more) };
}

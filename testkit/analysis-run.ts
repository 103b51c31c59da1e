import type { PlanStep } from "../src/domain/plan/plan.js";
import type { Run } from "../src/domain/run/run.js";

/** As much of a run as its analysis step reads: its service and version, its step 0 started now. */
export function analysisRun(id: string, version: string): Run {
  return {
    id,
    service: "shop",
    version,
    currentStep: 0,
    steps: [{ startedAt: new Date().toISOString() }],
  } as unknown as Run;
}

/** The analysis step the card draws. */
export const ANALYSIS_STEP = { index: 0, kind: "analysis", phase: "analysis", title: "Analyse" } as PlanStep;

import type { AnalysisProgress } from "../../domain/run/analysis.js";
import type { CommandOutcome } from "../../domain/run/run.js";

/**
 * What running (or polling) a step once came to. `later`: ask again after `delayMs`, holding nothing. `analysis`:
 * an analysis step's evaluation, recorded on the step.
 */
export type StepOutcome =
  | { kind: "succeeded"; message: string; commands?: CommandOutcome[]; analysis?: AnalysisProgress }
  | { kind: "failed"; message: string; commands?: CommandOutcome[]; analysis?: AnalysisProgress }
  | { kind: "timed-out"; message: string; analysis?: AnalysisProgress }
  | { kind: "later"; delayMs: number; progress: string | null }
  /**
   * Run the step again after `delayMs`: a try that changed nothing (a lock timeout), or one batch of several done.
   * `message` is recorded as the step's progress; `announce: false` keeps it out of the Slack thread;
   * `counted: false` (a wait for a blocking session) does not count as one of the step's tries.
   */
  | {
      kind: "again";
      delayMs: number;
      message: string;
      announce: boolean;
      counted?: boolean;
      analysis?: AnalysisProgress;
    };

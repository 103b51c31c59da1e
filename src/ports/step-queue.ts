import type { Run } from "../domain/run/run.js";

/** What the use cases queue: the run's current step, and the expiry of an open approval gate. */
export interface StepQueue {
  /** Queues the run's current step (a no-op when that job exists already). */
  enqueueStep(run: Run): Promise<void>;
  /** In `delayMs`, fails the gate the run waits at, unless the run has moved on by then. */
  scheduleApprovalTimeout(run: Run, delayMs: number): Promise<void>;
  close(): Promise<void>;
}

/** One queued job: which run, which step, and which retry of the run queued it. */
export interface StepJob {
  runId: string;
  step: number;
  retries: number;
}

/** Puts the job back to sleep for `delayMs` without holding a worker slot; never returns. */
export interface JobControl {
  later(delayMs: number): Promise<never>;
}

import type { Run } from "../domain/run/run.js";
import type { GateReminder } from "./gate-reminders.js";

/** What the use cases queue: the run's current step, and the expiry of an open approval gate. */
export interface StepQueue {
  /** Queues the run's current step (a no-op when that job exists already). */
  enqueueStep(run: Run): Promise<void>;
  /** Runs the run's current step's job now if it sleeps (a step held by a freeze that was lifted); queues it if lost. */
  wakeStep(run: Run): Promise<void>;
  /** In `delayMs`, fails the gate the run waits at, unless the run has moved on by then. */
  scheduleApprovalTimeout(run: Run, delayMs: number): Promise<void>;
  /** In `delayMs`, reminds the approvers of the gate the run waits at (a no-op when that reminder is queued). */
  scheduleGateReminder(run: Run, reminder: GateReminder, delayMs: number): Promise<void>;
  /** Queues the rollback of the run's deploy (its latest start; a no-op when that job exists already). */
  enqueueRollback(run: Run): Promise<void>;
  /** Removes the reminders and escalation still pending for the run: its gate was decided. */
  cancelGateReminders(runId: string): Promise<void>;
  close(): Promise<void>;
}

/** One queued job: which run, which step, and which retry of the run queued it. */
export interface StepJob {
  runId: string;
  step: number;
  retries: number;
}

/** A rollback job: which run, and which start of its rollback (a failed one can be started again). */
export interface RollbackJob {
  runId: string;
  attempt: number;
}

/** A reminder job: the step job it belongs to, and which reminder. */
export interface GateReminderJob extends StepJob, GateReminder {}

export interface JobControl {
  /** Puts the job back to sleep for `delayMs` without holding a worker slot; never returns. */
  later(delayMs: number): Promise<never>;
  /**
   * The job ran before and threw (Redis unreachable, a bug), so the queue runs it again; false when it is new or
   * its worker died while running it.
   */
  readonly failedBefore: boolean;
}

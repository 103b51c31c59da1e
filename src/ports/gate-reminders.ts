import type { Run } from "../domain/run/run.js";

/** The n-th reminder of the approvers of the gate a run waits at, or its escalation. */
export interface GateReminder {
  kind: "reminder" | "escalation";
  count: number;
}

/** Tells people a gate still waits for them (Slack: the run's thread and direct messages). */
export interface GateReminders {
  remind(run: Run, reminder: GateReminder): Promise<void>;
}

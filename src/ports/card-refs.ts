import type { NotificationRef } from "../domain/run/run.js";

/** Where each run's Slack card lives, kept with the run so every replica updates the same message. */
export interface CardRefs {
  attachCard(runId: string, card: NotificationRef): Promise<void>;
  /** Where the approval message of a gate was posted: clicks count only from there. */
  attachGateMessage(runId: string, gate: string, message: NotificationRef): Promise<void>;
}

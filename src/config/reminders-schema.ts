import { z } from "zod";
import { durationSeconds } from "./polling-schema.js";
import { slackUsergroupId } from "./slack-ids-schema.js";

/** While a gate waits: reminders to its approvers, then an escalation to a user group. */
export const remindersSchema = z
  .strictObject({
    remindAfterSeconds: durationSeconds.describe(
      "First reminder (in the run's thread and by direct message to each approver who has not decided) this long after the gate opened",
    ),
    remindEverySeconds: durationSeconds
      .optional()
      .describe("Then again at this interval until the gate is decided; one reminder only when absent"),
    escalateAfterSeconds: durationSeconds
      .optional()
      .describe("Mention escalateTo in the thread this long after the gate opened"),
    escalateTo: slackUsergroupId
      .optional()
      .describe("User group id (S…) mentioned when the gate is escalated"),
  })
  .refine((r) => (r.escalateAfterSeconds === undefined) === (r.escalateTo === undefined), {
    message: "escalateAfterSeconds and escalateTo go together: set both, or neither",
    path: ["escalateTo"],
  })
  .describe("Reminders and escalation while an approval gate waits; none when absent");

export type RemindersConfig = z.infer<typeof remindersSchema>;

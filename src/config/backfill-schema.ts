import { z } from "zod";
import { durationSeconds } from "./polling-schema.js";

/**
 * `backfill:` of a service: a management command of the project that fills one batch per call. The contract
 * (docs/backfill.md): it changes at most one batch of rows, commits, and prints as its last line of output one line
 * of JSON `{"changed": N, "remaining": M}`; it is idempotent (it picks the rows still to do, e.g. WHERE x IS NULL),
 * so calling it again after a crash goes on where it stopped. phasegate calls it until `remaining` is 0.
 */
export const backfillSchema = z
  .strictObject({
    /** What follows the project's Python, run in the project directory: ["manage.py", "backfill_is_active"]. */
    command: z
      .array(z.string().min(1))
      .min(1, 'give the command after python, e.g. ["manage.py", "backfill_is_active"]'),
    /** Limit of one batch. */
    timeoutSeconds: durationSeconds.default(600),
    /** The Slack thread hears about the batches at most once per this many seconds. */
    progressIntervalSeconds: durationSeconds.default(30),
    /** Pause between batches, to leave the database some air; 0 goes on at once. */
    pauseMs: z.number().int("pauseMs is a whole number of milliseconds").min(0).default(0),
  })
  .describe(
    "Backfill command run batch after batch between the rollout and the approval of the contract phase",
  );

export type BackfillConfig = z.infer<typeof backfillSchema>;

import { z } from "zod";
import { DAY_MS, DEFAULT_FINISHED_RUN_DAYS } from "../domain/run/retention.js";

/** The top-level `retention:` of the services file: how long what phasegate writes in Redis is kept. */
export const retentionSchema = z
  .strictObject({
    finishedRunDays: z
      .number({ error: "finishedRunDays is a number of days above 0, e.g. 90" })
      .positive("finishedRunDays is a number of days above 0, e.g. 90")
      .max(36_500, "at most 36500 days (100 years)")
      .default(DEFAULT_FINISHED_RUN_DAYS)
      .describe(
        "A run that ended (succeeded, failed, rejected, cancelled) is deleted with its audit trail this many days later; `phasegate run export` keeps a copy. A fraction is allowed (0.5 is 12 hours)",
      ),
  })
  .describe(
    "How long finished runs and their audit trails are kept in Redis (top level, next to `services:`, for every service)",
  );

export type RetentionConfig = z.infer<typeof retentionSchema>;

export const RETENTION_DEFAULTS: RetentionConfig = { finishedRunDays: DEFAULT_FINISHED_RUN_DAYS };

/** A finished run's lifetime in milliseconds, from the file's `retention:` (the default when absent). */
export function finishedRunMs(retention: RetentionConfig | undefined): number {
  return Math.round((retention ?? RETENTION_DEFAULTS).finishedRunDays * DAY_MS);
}

import { z } from "zod";

const DURATION = "a duration is a whole number of seconds above 0, e.g. 1800 for 30 minutes";

export const durationSeconds = z.number({ error: DURATION }).int(DURATION).positive(DURATION);

/** How a rollout watcher is polled; spread into every rollout variant. */
export const pollingSchema = {
  /** First interval between polls; it doubles up to `maxPollIntervalSeconds`. */
  pollIntervalSeconds: durationSeconds.default(5),
  maxPollIntervalSeconds: durationSeconds.default(60),
  /** The rollout fails (nothing destructive runs) when it is not done after this long. */
  deadlineSeconds: durationSeconds.default(1800),
};

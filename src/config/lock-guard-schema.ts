import { z } from "zod";

const MS = "a whole number of milliseconds, e.g. 2000 for 2 s";
const milliseconds = z.number({ error: MS }).int(MS);

/** `lockGuard:` of a service: how `manage.py migrate` is kept from blocking readers on PostgreSQL. */
export const lockGuardSchema = z
  .strictObject({
    /** false: no timeouts, no retries (two migrates of one database still never overlap). */
    enabled: z.boolean().default(true),
    /** A statement waiting longer than this for a lock gives up, so readers never queue behind it for longer. */
    lockTimeoutMs: milliseconds.positive(`lockTimeoutMs must be ${MS}`).default(2000),
    /** Limit of a statement that holds ACCESS EXCLUSIVE (ALTER TABLE, DROP TABLE…); 0 means no limit. */
    statementTimeoutMs: milliseconds
      .min(0, `statementTimeoutMs must be 0 (no limit) or ${MS}`)
      .default(60_000),
    /** Tries of the step when the lock timeout is hit, the first one included; other failures are not retried. */
    maxTries: z
      .number()
      .int("maxTries is a whole number of tries, e.g. 10")
      .min(1, "maxTries must be at least 1 (1: never retry)")
      .max(100, "maxTries above 100 would keep the run waiting for hours: use at most 100")
      .default(10),
    /** Wait before the second try; it doubles with each try up to `maxRetryDelayMs`, half of it random. */
    retryDelayMs: milliseconds.positive(`retryDelayMs must be ${MS}`).default(1000),
    maxRetryDelayMs: milliseconds.positive(`maxRetryDelayMs must be ${MS}`).default(60_000),
  })
  .describe("Lock guard of `manage.py migrate` on PostgreSQL: lock_timeout, statement_timeout and retries");

export type LockGuardConfig = z.infer<typeof lockGuardSchema>;

export const LOCK_GUARD_DEFAULTS: LockGuardConfig = lockGuardSchema.parse({});

import { z } from "zod";

const positive = (what: string, unit: string) =>
  z.number({ error: `${what} is a number of ${unit}` }).positive(`${what} must be more than 0 ${unit}`);
const seconds = (what: string) => positive(what, "seconds");

/**
 * `liveFacts:` of a service: the read-only facts about its database shown before each phase (table sizes,
 * sessions that would block the lock, replication lag), and how a migrate step waits for a blocking session.
 */
export const liveFactsSchema = z
  .strictObject({
    /** false: no facts are read, and migrate steps never wait for blocking sessions (the lock guard still applies). */
    enabled: z.boolean().default(true),
    /** Reading the facts may take this long; then "live facts unavailable" is shown and the run goes on. */
    timeoutSeconds: seconds("timeoutSeconds")
      .max(120, "timeoutSeconds above 120 would hold a step")
      .default(15),
    /** Sessions idle in a transaction for longer than this are listed. */
    idleInTransactionSeconds: seconds("idleInTransactionSeconds").default(60),
    /**
     * A migrate step whose lock a session would block waits (re-checking) at most this long from the step's
     * start, instead of queueing its statement behind that session; then it fails, having changed nothing.
     */
    blockerWaitSeconds: seconds("blockerWaitSeconds").default(600),
    /** How often a waiting step looks again for the blocking sessions. */
    recheckSeconds: seconds("recheckSeconds").max(300, "recheckSeconds is at most 300").default(5),
    /** Rewrite (and scan) speed for estimates until one was measured on this database, in MB per second. */
    rewriteMbPerSecond: positive("rewriteMbPerSecond", "MB per second").default(50),
    /** At most this many tables and sessions are shown (the rest are counted). */
    maxTables: z.number().int().min(1).max(50).default(10),
    maxSessions: z.number().int().min(1).max(50).default(5),
  })
  .describe(
    "Live facts about the database before each phase, and the wait for sessions that would block a lock",
  );

export type LiveFactsConfig = z.infer<typeof liveFactsSchema>;

export const LIVE_FACTS_DEFAULTS: LiveFactsConfig = liveFactsSchema.parse({});

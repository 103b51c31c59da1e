import { z } from "zod";
import { issueLines } from "../domain/issues/issue-lines.js";

const count = z.number().int().nonnegative();

/** What a replica (examples/shop/traffic/replica.py) prints on stdout when it stops. Times are Unix seconds. */
export const replicaCountersSchema = z.strictObject({
  version: z.string().min(1),
  slot: count,
  startedAt: z.number(),
  endedAt: z.number(),
  operations: z.record(z.string(), z.strictObject({ ok: count, errors: count })),
  errors: z.array(z.strictObject({ text: z.string(), count: count.positive(), firstAt: z.number() })),
});

export type ReplicaCounters = z.infer<typeof replicaCountersSchema>;

/** The counters in the last line of a replica's stdout; a clear error naming the replica when they are not there. */
export function parseCounters(stdout: string, replica: string): ReplicaCounters {
  const last = stdout.trimEnd().split("\n").at(-1) ?? "";
  let raw: unknown;
  try {
    raw = JSON.parse(last);
  } catch {
    throw new Error(
      `${replica} did not print its counters as JSON; its last line: ${last.slice(0, 200) || "(none)"}`,
    );
  }
  const parsed = replicaCountersSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = issueLines(parsed.error.issues, "").join("; ");
    throw new Error(`${replica} printed counters that do not match the schema: ${problems}`);
  }
  return parsed.data;
}

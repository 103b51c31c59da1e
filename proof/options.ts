import { parseArgs } from "node:util";
import { z } from "zod";

const USAGE = `Usage: npm run proof -- [--replicas N] [--settle-seconds S] [--slot-pause-seconds S]
                        [--approval-delay-seconds S] [--pause-ms MS] [--min-requests N]

Runs the shop's replicas against PostgreSQL through three scenarios (naive, phased through phasegate, forced
NOT NULL) and prints requests and errors per code version. Needs Redis, PostgreSQL and Python with Django.`;

/** Seconds on the command line, milliseconds inside; `prefault` so a default goes through the conversion too. */
const seconds = (byDefault: number) =>
  z.coerce
    .number()
    .nonnegative()
    .transform((s) => s * 1000)
    .prefault(byDefault);

const optionsSchema = z.object({
  replicas: z.coerce.number().int().min(1).max(10).default(3),
  settleMs: seconds(10),
  slotPauseMs: seconds(2),
  approvalDelayMs: seconds(3),
  pauseMs: z.coerce.number().nonnegative().default(2),
  /** The phased scenario must serve at least this many ORM requests for the proof to count. */
  minRequests: z.coerce.number().int().nonnegative().default(10_000),
});

export type ProofOptions = z.infer<typeof optionsSchema>;

/** The options, or a message saying what is wrong (with the usage). */
export function parseProofOptions(
  argv: string[],
): { ok: true; options: ProofOptions } | { ok: false; message: string } {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        replicas: { type: "string" },
        "settle-seconds": { type: "string" },
        "slot-pause-seconds": { type: "string" },
        "approval-delay-seconds": { type: "string" },
        "pause-ms": { type: "string" },
        "min-requests": { type: "string" },
      },
    });
    const parsed = optionsSchema.safeParse({
      replicas: values.replicas,
      settleMs: values["settle-seconds"],
      slotPauseMs: values["slot-pause-seconds"],
      approvalDelayMs: values["approval-delay-seconds"],
      pauseMs: values["pause-ms"],
      minRequests: values["min-requests"],
    });
    if (!parsed.success)
      return {
        ok: false,
        message: `${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n")}\n\n${USAGE}`,
      };
    return { ok: true, options: parsed.data };
  } catch (error) {
    return { ok: false, message: `${(error as Error).message}\n\n${USAGE}` };
  }
}

import { z } from "zod";
import { issueLines } from "../domain/issues/issue-lines.js";
import type { PhaseFacts } from "../domain/locks/live-facts.js";
import type { Plan } from "../domain/plan/plan.js";
import { THRESHOLD_OPS } from "../domain/run/analysis.js";
import type { Run } from "../domain/run/run.js";

const iso = z.string().min(1);

const commandOutcomeSchema = z.object({
  argv: z.array(z.string()),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  timedOut: z.boolean(),
  stdoutTail: z.string(),
  stderrTail: z.string(),
  durationMs: z.number(),
});

const thresholdSchema = z.object({ op: z.enum(THRESHOLD_OPS), value: z.number() });
const readingBase = {
  name: z.string(),
  threshold: thresholdSchema,
  warnings: z.array(z.string()).optional(),
};
const analysisProgressSchema = z.object({
  passingSince: iso.nullable(),
  failures: z.record(z.string(), z.number().int().min(0)),
  readings: z.array(
    z.discriminatedUnion("kind", [
      z.object({
        ...readingBase,
        kind: z.literal("value"),
        value: z.string(),
        passed: z.boolean(),
        series: z.string().nullable(),
      }),
      z.object({ ...readingBase, kind: z.enum(["no-data", "unavailable"]), detail: z.string() }),
    ]),
  ),
  evaluatedAt: iso,
  headline: z.string(),
});

const stepStateSchema = z.object({
  index: z.number().int().min(0),
  status: z.enum(["pending", "running", "waiting", "succeeded", "failed", "skipped", "cancelled"]),
  attempts: z.number().int().min(0),
  startedAt: iso.nullable(),
  finishedAt: iso.nullable(),
  message: z.string().nullable(),
  commands: z.array(commandOutcomeSchema),
  polls: z.number().int().min(0),
  // Runs stored before it was counted.
  executions: z.number().int().min(0).default(0),
  analysis: analysisProgressSchema.optional(),
});

/** The plan was built by our planner; only its shape is checked here. */
const planSchema = z.custom<Plan>(
  (value) =>
    typeof value === "object" &&
    value !== null &&
    Array.isArray((value as Plan).steps) &&
    (value as Plan).steps.every((s) => typeof s?.kind === "string" && typeof s.index === "number"),
  "plan must have steps",
);

const notificationRefSchema = z.object({ channel: z.string(), ts: z.string() });

/** A run as stored in Redis; a stored run that does not match is reported, never used half-read. */
export const runSchema = z.object({
  id: z.string().min(1),
  service: z.string().min(1),
  version: z.string().min(1),
  requester: z.string().min(1),
  createdAt: iso,
  updatedAt: iso,
  plan: planSchema,
  steps: z.array(stepStateSchema),
  currentStep: z.number().int().min(0),
  gates: z.array(
    z.object({
      gate: z.string(),
      stepIndex: z.number().int(),
      decision: z.enum(["approved", "rejected"]),
      by: z.string(),
      at: iso,
      reason: z.string().nullable(),
      group: z.string().nullable().default(null),
      // Runs stored before N-of-M approvals decided their gate in its first opening.
      attempt: z.number().int().min(0).default(1),
    }),
  ),
  status: z.enum([
    "running",
    "waiting-rollout",
    "awaiting-approval",
    "cancelling",
    "succeeded",
    "failed",
    "cancelled",
    "rejected",
  ]),
  fourEyes: z.boolean(),
  approvalRules: z
    .record(z.string(), z.object({ approvals: z.number().int().min(1), fromGroups: z.array(z.string()) }))
    .default({}),
  outcome: z.string().nullable(),
  retries: z.number().int().min(0),
  notification: notificationRefSchema.nullable(),
  // Runs stored before gate tokens existed have none: their buttons are refused, `/migrate status` still works.
  gateTokens: z.record(z.string(), z.string()).default({}),
  gateMessages: z.record(z.string(), notificationRefSchema).default({}),
  followUps: z
    .object({ settles: z.array(z.string()), missing: z.array(z.string()), owes: z.array(z.string()) })
    .optional(),
  // Runs stored before rollbacks existed: no release recorded, no button, no rollback.
  previousRelease: z
    .object({
      version: z.string().min(1),
      images: z.record(z.string(), z.string()).optional(),
      revision: z.number().int().positive().optional(),
      source: z.enum(["deployments", "last-deploy"]),
    })
    .nullable()
    .default(null),
  rollbackToken: z.string().nullable().default(null),
  /** Written by our worker from the helper's validated answer; only its shape is checked here. */
  liveFacts: z
    .record(
      z.string(),
      z.custom<PhaseFacts>((value) => typeof value === "object" && value !== null && "ok" in value),
    )
    .optional(),
  // Runs stored before freezes were noted on runs: not frozen (the worker reads the freezes themselves anyway).
  frozen: z
    .object({ scope: z.string(), by: z.string(), reason: z.string(), at: iso })
    .nullable()
    .default(null),
  rollback: z
    .object({
      status: z.enum(["running", "succeeded", "failed"]),
      phase: z.enum(["queued", "deploying", "waiting-rollout"]),
      by: z.string(),
      at: iso,
      toVersion: z.string(),
      message: z.string().nullable(),
      attempts: z.number().int().min(1),
      executions: z.number().int().min(0),
      waitingSince: iso.nullable(),
      finishedAt: iso.nullable(),
    })
    .nullable()
    .default(null),
  revision: z.number().int().min(1),
}) satisfies z.ZodType<Run>;

export class CorruptRunError extends Error {
  constructor(runId: string, detail: string) {
    super(`stored run ${runId} is not readable (${detail}); inspect the key in Redis or start a new run`);
    this.name = "CorruptRunError";
  }
}

export function decodeRun(runId: string, json: string): Run {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new CorruptRunError(runId, (error as Error).message);
  }
  const parsed = runSchema.safeParse(raw);
  if (!parsed.success) throw new CorruptRunError(runId, issueLines(parsed.error.issues, "").join("; "));
  return parsed.data;
}

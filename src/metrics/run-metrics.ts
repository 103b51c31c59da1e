import { Counter, Histogram } from "prom-client";

/** Seconds, from a quick migration to an approval left open for most of a day. */
const DURATION_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14_400, 28_800];

export const runsStarted = new Counter({
  name: "phasegate_runs_started_total",
  help: "Runs started, by service and whether it is a new run or a retry of a failed one",
  labelNames: ["service", "start"] as const,
});

export const runsFinished = new Counter({
  name: "phasegate_runs_finished_total",
  help: "Runs that ended, by service and outcome (succeeded, failed, cancelled, rejected)",
  labelNames: ["service", "outcome"] as const,
});

export const stepDuration = new Histogram({
  name: "phasegate_step_duration_seconds",
  help: "Time from a step's start to its end, by step kind and how it ended",
  labelNames: ["kind", "status"] as const,
  buckets: DURATION_BUCKETS,
});

export const rolloutWait = new Histogram({
  name: "phasegate_rollout_wait_seconds",
  help: "Time waiting until every instance ran the new code, by service and how the wait ended",
  labelNames: ["service", "status"] as const,
  buckets: DURATION_BUCKETS,
});

export const approvalWait = new Histogram({
  name: "phasegate_approval_wait_seconds",
  help: "Time an approval gate stayed open, by service and decision (approved, rejected, timed-out, cancelled)",
  labelNames: ["service", "decision"] as const,
  buckets: DURATION_BUCKETS,
});

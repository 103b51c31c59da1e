import { staleAttempt } from "./attempt.js";
import {
  isTerminal,
  type RollbackEvent,
  type RollbackState,
  type Run,
  type RunEvent,
  type RunStatus,
  type TransitionResult,
} from "./run.js";

/**
 * Rolling back a run's deploy: the release live before the run is deployed again and its rollout awaited.
 * Migrations are never rolled back: the expand schema works with the old code, and a run whose contract phase ran
 * cannot be rolled back at all (the old code does not work with the contracted schema).
 */

export type RollbackRefusalCode =
  /** The run has not ended, or it succeeded. */
  | "not-ended"
  /** Its deploy never succeeded: nothing to roll back. */
  | "no-deploy"
  /** A contract migration ran (or began): the old code would not work. */
  | "contracted"
  /** The release live before the run is not known. */
  | "no-previous"
  /** The release live before the run is the run's own. */
  | "same-release"
  | "rolling-back"
  | "rolled-back";

export interface RollbackRefusal {
  code: RollbackRefusalCode;
  message: string;
}

const refusal = (code: RollbackRefusalCode, message: string): RollbackRefusal => ({ code, message });

/** The ends of a run whose deploy may be rolled back (a cancel during the rollout wait halted it there). */
const ROLLED_BACK_FROM: readonly RunStatus[] = ["failed", "rejected", "cancelled"];

/**
 * Why the run's deploy cannot be rolled back now, or null when it can: a failed run whose deploy succeeded (it
 * failed at or after the rollout wait), a run rejected at a gate after its deploy, or one cancelled after it; not while a rollback runs or
 * once one succeeded (a failed rollback can be started again).
 */
export function rollbackRefusal(run: Run): RollbackRefusal | null {
  const rollback = run.rollback;
  if (rollback?.status === "running")
    return refusal(
      "rolling-back",
      `${run.id} is already being rolled back to ${rollback.toVersion} (started by ${rollback.by})`,
    );
  if (rollback?.status === "succeeded")
    return refusal(
      "rolled-back",
      `${run.id} was already rolled back to ${rollback.toVersion} by ${rollback.by}`,
    );
  if (!ROLLED_BACK_FROM.includes(run.status))
    return refusal(
      "not-ended",
      `${run.id} is ${run.status}: only the deploy of a failed, rejected or cancelled run can be rolled back`,
    );
  const deploy = run.plan.steps.find((step) => step.kind === "deploy");
  if (!deploy || run.steps[deploy.index]?.status !== "succeeded")
    return refusal("no-deploy", `the deploy of ${run.id} never succeeded: there is nothing to roll back`);
  const contracted = run.plan.steps.some(
    (step) =>
      step.kind === "migrate" &&
      step.phase === "contract" &&
      !["pending", "skipped"].includes(run.steps[step.index]?.status ?? "pending"),
  );
  if (contracted)
    return refusal(
      "contracted",
      `the contract phase of ${run.id} ran: the old code does not work with the contracted schema, so roll forward instead`,
    );
  const previous = run.previousRelease;
  if (!previous)
    return refusal("no-previous", `no earlier release of ${run.service} was recorded: roll back by hand`);
  if (previous.version === run.version)
    return refusal(
      "same-release",
      `${run.version} was already live before ${run.id}: there is nothing to go back to`,
    );
  return null;
}

/** An active run holds its service, and so does a finished one while its deploy is being rolled back. */
export function holdsServiceLock(run: Run): boolean {
  return !isTerminal(run.status) || run.rollback?.status === "running";
}

export function isRollbackEvent(event: RunEvent): event is RollbackEvent {
  return event.type.startsWith("rollback-");
}

const refuse = (reason: string): TransitionResult => ({ ok: false, reason });

function withRollback(run: Run, change: Partial<RollbackState>): Run {
  return run.rollback ? { ...run, rollback: { ...run.rollback, ...change } } : run;
}

function start(run: Run, event: RollbackEvent & { type: "rollback-started" }, now: string): TransitionResult {
  const refused = rollbackRefusal(run);
  if (refused) return refuse(refused.message);
  const toVersion = run.previousRelease?.version ?? "";
  if (event.toVersion !== toVersion)
    return refuse(`${run.id} goes back to ${toVersion}, not ${event.toVersion}: look at its card again`);
  const before = run.rollback;
  const rollback: RollbackState = {
    status: "running",
    phase: "queued",
    by: event.by,
    at: now,
    toVersion,
    message: null,
    attempts: (before?.attempts ?? 0) + 1,
    executions: before?.executions ?? 0,
    waitingSince: null,
    finishedAt: null,
  };
  return { ok: true, run: { ...run, rollback } };
}

/** Applies a rollback event to a failed, rejected or cancelled run (the reducer hands every rollback event here). */
export function reduceRollback(run: Run, event: RollbackEvent, now: string): TransitionResult {
  if (event.type === "rollback-started") return start(run, event, now);
  const rollback = run.rollback;
  if (rollback?.status !== "running") return refuse(`${run.id} is not being rolled back`);
  if ("execution" in event && event.execution !== undefined && event.execution !== rollback.executions)
    return refuse(staleAttempt(`the rollback's deploy`, event.execution, rollback.executions));
  switch (event.type) {
    case "rollback-deploying":
      if (rollback.phase === "waiting-rollout")
        return refuse(`the rollback of ${run.id} is past its deploy (waiting for the rollout)`);
      return {
        ok: true,
        run: withRollback(run, {
          phase: "deploying",
          executions: rollback.executions + 1,
          message: event.message ?? null,
        }),
      };
    case "rollback-deployed":
      if (rollback.phase !== "deploying") return refuse(`the rollback of ${run.id} is not deploying`);
      return {
        ok: true,
        run: withRollback(run, { phase: "waiting-rollout", waitingSince: now, message: event.message }),
      };
    case "rollback-progress":
    case "rollback-succeeded":
      if (rollback.phase !== "waiting-rollout")
        return refuse(`the rollback of ${run.id} is not waiting for its rollout`);
      return {
        ok: true,
        run:
          event.type === "rollback-progress"
            ? withRollback(run, { message: event.message })
            : withRollback(run, { status: "succeeded", message: event.message, finishedAt: now }),
      };
    case "rollback-failed":
      return {
        ok: true,
        run: withRollback(run, { status: "failed", message: event.message, finishedAt: now }),
      };
  }
}

import type { Run, RunEvent } from "./run.js";
import { stepNumber } from "./step-number.js";

/**
 * Fencing: which worker attempt owns a run's running step (and its rollback's deploy). Each start and each
 * take-over bumps the step's `executions` (the rollback's, for its deploy); a result or progress report says which
 * execution it comes from, and counts only while that execution still owns the step. The store keeps the owner
 * next to the run and checks it in the same compare-and-set that saves the run, so a worker that froze, lost its
 * job and woke up after another worker took the step over records nothing.
 */

/** The owner of the run's current step: `<step>.<execution>`. */
export function stepOwner(run: Run): string {
  return `${run.currentStep}.${run.steps[run.currentStep]?.executions ?? 0}`;
}

/** The owner of the rollback's deploy: its execution, or "" when the run was never rolled back. */
export function rollbackOwner(run: Run): string {
  return run.rollback ? String(run.rollback.executions) : "";
}

/** What an event claims to own, for the store to check; null for events no worker attempt sends. */
export type AttemptClaim = { of: "step" | "rollback"; owner: string };

export function claimOf(event: RunEvent): AttemptClaim | null {
  if (!("execution" in event) || event.execution === undefined) return null;
  if ("step" in event) return { of: "step", owner: `${event.step}.${event.execution}` };
  return { of: "rollback", owner: String(event.execution) };
}

/** Why a report of an attempt that no longer owns its step does not count. */
export function staleAttempt(what: string, execution: number, owner: number): string {
  return `attempt ${execution} of ${what} no longer owns it (attempt ${owner} took it over): its report does not count`;
}

/** Why the store refused a claim: the same words as the reducer's, from the owners as the store keeps them. */
export function staleClaim(claim: AttemptClaim, storedOwner: string): string {
  const [step, claimed] = claim.of === "step" ? claim.owner.split(".") : [null, claim.owner];
  const owner = claim.of === "step" ? storedOwner.split(".")[1] : storedOwner;
  const what = step === null ? "the rollback's deploy" : stepNumber(Number(step));
  return staleAttempt(what, Number(claimed), Number(owner));
}

import type { ApprovalStep, PlanStep } from "../plan/plan.js";
import { approvalProgress, countedGroup } from "./approvals.js";
import { staleAttempt } from "./attempt.js";
import { pendingStep } from "./create.js";
import { contractGuard } from "./guards.js";
import { isRollbackEvent, reduceRollback } from "./rollback-reducer.js";
import {
  type GateDecision,
  isTerminal,
  MAX_REASON_CHARS,
  type Run,
  type RunEvent,
  type RunReducer,
  type RunStatus,
  type StepState,
  type TransitionResult,
} from "./run.js";
import { stepNumber } from "./step-number.js";

type Result = TransitionResult;

const refuse = (reason: string): Result => ({ ok: false, reason });

function withStep(run: Run, index: number, change: Partial<StepState>): Run {
  return { ...run, steps: run.steps.map((s) => (s.index === index ? { ...s, ...change } : s)) };
}

/** Steps after the current one that never ran are skipped when the run ends early. */
function finish(run: Run, status: RunStatus, outcome: string | null): Run {
  const steps = run.steps.map((s) =>
    s.index > run.currentStep && s.status === "pending" ? { ...s, status: "skipped" as const } : s,
  );
  return { ...run, steps, status, outcome };
}

/** Moves past the current (succeeded) step: the next step waits (approval) or is pending, or the run is done. */
function advance(run: Run, now: string): Run {
  const next = run.currentStep + 1;
  const step = run.plan.steps[next];
  if (!step) return { ...run, currentStep: next, status: "succeeded" };
  const moved = { ...run, currentStep: next };
  if (step.kind === "approval") {
    return {
      ...withStep(moved, next, { status: "waiting", startedAt: now, attempts: 1 }),
      status: "awaiting-approval",
    };
  }
  return { ...moved, status: "running" };
}

function currentPlanStep(run: Run, step: number): { plan: PlanStep; state: StepState } | string {
  if (step !== run.currentStep)
    return `${stepNumber(step)} is not the current step of ${run.id} (it is at ${stepNumber(run.currentStep)})`;
  const plan = run.plan.steps[step];
  const state = run.steps[step];
  if (!plan || !state) return `${run.id} has no ${stepNumber(step)}`;
  return { plan, state };
}

/** Why a worker's report is refused: its execution no longer owns the step; null when it does (or no worker sent it). */
function notOwner(state: StepState, execution: number | undefined): string | null {
  if (execution === undefined || execution === state.executions) return null;
  return staleAttempt(stepNumber(state.index), execution, state.executions);
}

/** What a worker's event needs of the step it names, checked in this order after it being the current one. */
interface StepNeeds {
  /** Only a rollout step reports rollout progress. */
  rolloutOnly?: boolean;
  /** An approval gate is decided by an approver, never by a worker's event. */
  notGate?: boolean;
  /** Nothing new starts or reports while the run is being cancelled. */
  notCancelling?: boolean;
  /** pending: not started yet; active: running or waiting. */
  state: "pending" | "active";
}

/** The current step the event applies to, or why it does not: the guards every step event shares. */
function stepFor(run: Run, step: number, needs: StepNeeds): { plan: PlanStep; state: StepState } | string {
  const found = currentPlanStep(run, step);
  if (typeof found === "string") return found;
  if (needs.rolloutOnly && found.plan.kind !== "wait-rollout")
    return `${stepNumber(step)} is not a rollout step`;
  if (needs.notGate && found.plan.kind === "approval")
    return `${stepNumber(step)} is an approval gate: an approver decides it`;
  if (needs.notCancelling && run.status === "cancelling") return `${run.id} is being cancelled`;
  const { status } = found.state;
  if (needs.state === "pending" && status !== "pending") return `${stepNumber(step)} is already ${status}`;
  if (needs.state === "active" && status !== "running" && status !== "waiting")
    return `${stepNumber(step)} is ${status}, not running`;
  return found;
}

function stepStarted(run: Run, step: number, now: string): Result {
  const found = stepFor(run, step, { notGate: true, notCancelling: true, state: "pending" });
  if (typeof found === "string") return refuse(found);
  const blocked = contractGuard(run, found.plan);
  if (blocked) return refuse(blocked);
  const started = withStep(run, step, {
    status: "running",
    attempts: found.state.attempts + 1,
    executions: found.state.executions + 1,
    startedAt: now,
    finishedAt: null,
    message: null,
    commands: [],
    polls: 0,
  });
  return {
    ok: true,
    run: { ...started, status: found.plan.kind === "wait-rollout" ? "waiting-rollout" : "running" },
  };
}

function endStep(
  run: Run,
  step: number,
  event: RunEvent & { type: "step-succeeded" | "step-failed" | "timed-out" },
  now: string,
): Result {
  const timeout = event.type === "timed-out";
  // An approval gate's expiry is the one step end no approver decides.
  const found = stepFor(run, step, { notGate: !timeout, state: "active" });
  if (typeof found === "string") return refuse(found);
  const stale = notOwner(found.state, event.execution);
  if (stale) return refuse(stale);
  const message = "message" in event && event.message !== undefined ? event.message : found.state.message;
  const commands = "commands" in event && event.commands ? event.commands : found.state.commands;
  const analysis = event.analysis ? { analysis: event.analysis } : {};
  const succeeded = event.type === "step-succeeded";
  if (run.status === "cancelling") {
    const ended = withStep(run, step, {
      status: succeeded ? "succeeded" : "cancelled",
      finishedAt: now,
      message,
      commands,
    });
    return { ok: true, run: finish(ended, "cancelled", run.outcome) };
  }
  const ended = withStep(run, step, {
    status: succeeded ? "succeeded" : "failed",
    finishedAt: now,
    message,
    commands,
    ...analysis,
  });
  if (succeeded) return { ok: true, run: advance(ended, now) };
  return {
    ok: true,
    run: finish(
      ended,
      "failed",
      `${stepNumber(step)} (${found.plan.title}) ${timeout ? "timed out" : "failed"}: ${message}`,
    ),
  };
}

function progress(run: Run, event: RunEvent & { type: "rollout-progress" | "step-progress" }): Result {
  const { step, message } = event;
  const rollout = event.type === "rollout-progress";
  const needs: StepNeeds = { rolloutOnly: rollout, notGate: true, notCancelling: true, state: "active" };
  const found = stepFor(run, step, needs);
  if (typeof found === "string") return refuse(found);
  const stale = notOwner(found.state, event.execution);
  if (stale) return refuse(stale);
  const counted = event.type === "rollout-progress" || event.counted !== false;
  const analysis = event.type === "step-progress" && event.analysis ? { analysis: event.analysis } : {};
  const polled = withStep(run, step, {
    status: "waiting",
    message,
    polls: found.state.polls + (counted ? 1 : 0),
    ...analysis,
  });
  return { ok: true, run: rollout ? { ...polled, status: "waiting-rollout" } : polled };
}

/** A pending step the run is ready for is held back: it stays pending, saying why and until when. */
function held(run: Run, event: RunEvent & { type: "step-held" }): Result {
  const found = stepFor(run, event.step, { notCancelling: true, state: "pending" });
  if (typeof found === "string") return refuse(found);
  return { ok: true, run: withStep(run, event.step, { message: event.message }) };
}

function takenOver(run: Run, event: RunEvent & { type: "step-taken-over" }): Result {
  const found = stepFor(run, event.step, { notGate: true, state: "active" });
  if (typeof found === "string") return refuse(found);
  const executions = found.state.executions + 1;
  return { ok: true, run: withStep(run, event.step, { executions, message: event.message }) };
}

function openGate(run: Run, gate: string): ApprovalStep | string {
  const step = run.plan.steps[run.currentStep];
  if (run.status !== "awaiting-approval" || step?.kind !== "approval")
    return `${run.id} is not waiting for an approval (it is ${run.status})`;
  if (step.gate !== gate) return `${run.id} is waiting at gate "${step.gate}", not "${gate}"`;
  return step;
}

function decision(
  run: Run,
  gate: ApprovalStep,
  event: RunEvent & { type: "approval-granted" | "approval-rejected" },
  now: string,
  group: string | null,
): GateDecision {
  const approved = event.type === "approval-granted";
  return {
    attempt: run.steps[gate.index]?.attempts ?? 0,
    gate: gate.gate,
    stepIndex: gate.index,
    decision: approved ? "approved" : "rejected",
    by: event.by,
    at: now,
    reason: event.type === "approval-rejected" ? event.reason?.trim() || null : null,
    group,
  };
}

/** One more approval: recorded; the gate opens once it has all its rule asks for, else it keeps waiting. */
function approve(
  run: Run,
  gate: ApprovalStep,
  event: RunEvent & { type: "approval-granted" },
  now: string,
): Result {
  if (run.fourEyes && event.by === run.requester)
    return refuse(
      `${event.by} started ${run.id} and cannot approve it too (four-eyes): ask another approver`,
    );
  const counted = countedGroup(run, gate, event.by, event.groups ?? []);
  if ("problem" in counted) return refuse(counted.problem);
  const recorded: Run = { ...run, gates: [...run.gates, decision(run, gate, event, now, counted.group)] };
  const { given, needed } = approvalProgress(recorded, gate);
  if (given.length < needed)
    return {
      ok: true,
      run: withStep(recorded, gate.index, { message: `${given.length} of ${needed} approvals` }),
    };
  const ended = withStep(recorded, gate.index, {
    status: "succeeded",
    finishedAt: now,
    message: `approved by ${given.map((d) => d.by).join(", ")}`,
  });
  return { ok: true, run: advance(ended, now) };
}

/** One rejection ends the gate and the run, whatever approvals it had. */
function reject(
  run: Run,
  gate: ApprovalStep,
  event: RunEvent & { type: "approval-rejected" },
  now: string,
): Result {
  const reason = event.reason?.trim() || null;
  const length = reason ? [...reason].length : 0;
  if (length > MAX_REASON_CHARS)
    return refuse(`a reason is at most ${MAX_REASON_CHARS} characters (this one has ${length}): shorten it`);
  const decided: Run = { ...run, gates: [...run.gates, decision(run, gate, event, now, null)] };
  const ended = withStep(decided, gate.index, {
    status: "failed",
    finishedAt: now,
    message: `rejected by ${event.by}`,
  });
  return {
    ok: true,
    run: finish(
      ended,
      "rejected",
      `gate "${gate.gate}" rejected by ${event.by}${reason ? `: ${reason}` : ""}`,
    ),
  };
}

function decide(
  run: Run,
  event: RunEvent & { type: "approval-granted" | "approval-rejected" },
  now: string,
): Result {
  const gate = openGate(run, event.gate);
  if (typeof gate === "string") return refuse(gate);
  return event.type === "approval-granted" ? approve(run, gate, event, now) : reject(run, gate, event, now);
}

function cancel(run: Run, event: RunEvent & { type: "cancelled" }, now: string): Result {
  if (run.status === "cancelling") return refuse(`${run.id} is already being cancelled`);
  const outcome = `cancelled by ${event.by}${event.reason ? `: ${event.reason}` : ""}`;
  const step = run.plan.steps[run.currentStep];
  const state = run.steps[run.currentStep];
  // A process may be working for the step: the worker stops it, then records the end. A backfill between batches
  // is "waiting" but its next batch may already run. A rollout under way is stopped by the worker where the
  // platform can (the deployer's halt), which then records the end.
  const active = state?.status === "running" || state?.status === "waiting";
  const busy =
    (state?.status === "running" && (step?.kind === "migrate" || step?.kind === "deploy")) ||
    (active && (step?.kind === "backfill" || step?.kind === "wait-rollout"));
  if (busy) return { ok: true, run: { ...run, status: "cancelling", outcome } };
  const stopped =
    state && (state.status === "running" || state.status === "waiting")
      ? withStep(run, state.index, { status: "cancelled", finishedAt: now, message: outcome })
      : state
        ? withStep(run, state.index, { status: "skipped" })
        : run;
  return { ok: true, run: finish(stopped, "cancelled", outcome) };
}

function retry(run: Run, now: string): Result {
  if (run.status !== "failed")
    return refuse(`only a failed run can be retried; ${run.id} is ${run.status}: start a new run instead`);
  if (run.rollback)
    return refuse(
      `the deploy of ${run.id} was rolled back (or a rollback was tried): start a new run instead`,
    );
  const steps = run.steps.map((s) =>
    s.index >= run.currentStep
      ? { ...pendingStep(s.index), attempts: s.attempts, executions: s.executions }
      : s,
  );
  const reset: Run = { ...run, steps, retries: run.retries + 1, outcome: null, status: "running" };
  const gate = run.plan.steps[run.currentStep];
  if (gate?.kind !== "approval") return { ok: true, run: reset };
  const attempts = (run.steps[run.currentStep]?.attempts ?? 0) + 1;
  // The gate opens again with an approval message of its own: clicks on the old one no longer count.
  const { [gate.gate]: _old, ...gateMessages } = reset.gateMessages;
  return {
    ok: true,
    run: {
      ...withStep({ ...reset, gateMessages }, run.currentStep, {
        status: "waiting",
        startedAt: now,
        attempts,
      }),
      status: "awaiting-approval",
    },
  };
}

/**
 * An admin's override of the analysis step the run is at: waiting (the soak goes on) or failed with the run (not
 * after a rollback was started: the release it judged is gone). The step succeeds; the approval is offered.
 */
function overrideAnalysis(run: Run, event: RunEvent & { type: "analysis-overridden" }, now: string): Result {
  const step = run.plan.steps[run.currentStep];
  const state = run.steps[run.currentStep];
  if (step?.kind !== "analysis" || !state || event.step !== run.currentStep)
    return refuse(`${run.id} is not at its analysis step: there is nothing to override`);
  const failedHere = run.status === "failed" && state.status === "failed";
  const waiting = !isTerminal(run.status) && (state.status === "running" || state.status === "waiting");
  if (!failedHere && !waiting)
    return refuse(`the analysis of ${run.id} is ${state.status}: nothing to override`);
  if (run.status === "cancelling") return refuse(`${run.id} is being cancelled`);
  if (run.rollback) return refuse(`the deploy of ${run.id} was rolled back: start a new run instead`);
  const reason = event.reason.trim();
  const length = [...reason].length;
  if (length === 0 || length > MAX_REASON_CHARS)
    return refuse(`an override needs a reason of at most ${MAX_REASON_CHARS} characters`);
  const ended = withStep(run, state.index, {
    status: "succeeded",
    finishedAt: now,
    message: `analysis overridden by ${event.by}: ${reason}`,
  });
  const reopened: Run = failedHere
    ? {
        ...ended,
        outcome: null,
        steps: ended.steps.map((s) => (s.index > state.index ? pendingStep(s.index) : s)),
      }
    : ended;
  return { ok: true, run: advance(reopened, now) };
}

function reduce(run: Run, event: RunEvent, now: string): Result {
  if (event.type === "notification-attached")
    return { ok: true, run: { ...run, notification: event.notification } };
  if (event.type === "gate-message-attached")
    return { ok: true, run: { ...run, gateMessages: { ...run.gateMessages, [event.gate]: event.message } } };
  if (event.type === "retried") return retry(run, now);
  if (isRollbackEvent(event)) return reduceRollback(run, event, now);
  if (event.type === "analysis-overridden") return overrideAnalysis(run, event, now);
  if (isTerminal(run.status)) return refuse(`${run.id} is ${run.status}: nothing more happens to it`);
  switch (event.type) {
    case "step-started":
      return stepStarted(run, event.step, now);
    case "step-succeeded":
    case "step-failed":
    case "timed-out":
      return endStep(run, event.step, event, now);
    case "rollout-progress":
    case "step-progress":
      return progress(run, event);
    case "step-held":
      return held(run, event);
    case "freeze-noted":
      return { ok: true, run: { ...run, frozen: event.freeze } };
    case "live-facts-noted":
      return { ok: true, run: { ...run, liveFacts: { ...run.liveFacts, [event.gate]: event.facts } } };
    case "step-taken-over":
      return takenOver(run, event);
    case "approval-granted":
    case "approval-rejected":
      return decide(run, event, now);
    case "cancelled":
      return cancel(run, event, now);
  }
}

/** The one place a run changes: the next run (revision + 1) or why the event is refused. */
export const applyRunEvent: RunReducer = (run, event, now) => {
  const result = reduce(run, event, now);
  if (!result.ok) return result;
  return { ok: true, run: { ...result.run, revision: run.revision + 1, updatedAt: now } };
};

import type { LoadedServices } from "../config/load-services.js";
import { ruleOf } from "../domain/run/approvals.js";
import type { Actor, Run, RunEvent } from "../domain/run/run.js";
import type { Approvers } from "../ports/approvers.js";
import type { ActionResult, GateInput } from "../ports/use-cases.js";
import { mayStart } from "./access.js";
import { buttonMismatch, gateMessageUnrecorded } from "./gate-buttons.js";
import { type QueueNextDeps, queueNext } from "./queue-next.js";
import { cancelGateReminders } from "./steps/gate-reminder-jobs.js";
import { type TransitionDeps, transition } from "./transition.js";

export interface RunActionDeps extends TransitionDeps, QueueNextDeps {
  services: LoadedServices;
  approvers: Approvers;
}

type Permission = (deps: RunActionDeps, run: Run, user: string) => Promise<boolean>;

const approver: Permission = (deps, run, user) => deps.approvers.mayApprove({ service: run.service, user });

/** The requester, anyone who may start runs of the service, or an approver. */
const operator: Permission = async (deps, run, user) =>
  user === run.requester || mayStart(deps.services, run.service, user) || (await approver(deps, run, user));

export const userActor = (id: string): Actor => ({ kind: "user", id });

/**
 * Why the run refuses the action before any permission is looked at (a click from the wrong button); `early` says
 * the click came before the run recorded the message it was made on, so it is read again before judging it.
 */
interface Mismatch {
  why(run: Run): string | null;
  early(run: Run): boolean;
}

const NO_MISMATCH: Mismatch = { why: () => null, early: () => false };

/** How long a click made on a message the run has not recorded yet waits for that record. */
const RECORD_WAIT_MS = 5000;
const RECORD_POLL_MS = 50;

/** The run as stored, read again (briefly) while the click is ahead of the record of the message it was made on. */
async function runForClick(deps: RunActionDeps, runId: string, mismatch: Mismatch): Promise<Run | null> {
  const deadline = Date.now() + RECORD_WAIT_MS;
  for (;;) {
    const run = await deps.store.get(runId);
    if (!run || !mismatch.early(run) || Date.now() >= deadline) return run;
    await new Promise((resolve) => setTimeout(resolve, RECORD_POLL_MS));
  }
}

export async function refuseInAudit(
  deps: RunActionDeps,
  run: Run,
  actor: Actor,
  action: string,
  message: string,
): Promise<void> {
  await deps.store.appendAudit(run.id, {
    at: deps.now().toISOString(),
    actor,
    action,
    from: run.status,
    to: null,
    outcome: "refused",
    detail: message,
  });
}

/**
 * Authorises the user, applies the event with compare-and-set, and queues what comes next. A refused action is
 * written to the run's audit trail and changes nothing.
 */
async function act(
  deps: RunActionDeps,
  runId: string,
  actor: Actor,
  allowed: Permission | null,
  event: (run: Run) => RunEvent | Promise<RunEvent>,
  what: string,
  mismatch: Mismatch = NO_MISMATCH,
): Promise<ActionResult> {
  const run = await runForClick(deps, runId, mismatch);
  if (!run) return { ok: false, code: "not-found", message: `no run ${runId}: check the id with "list"` };
  const ev = await event(run);
  const wrong = mismatch.why(run);
  if (wrong) {
    await refuseInAudit(deps, run, actor, ev.type, wrong);
    return { ok: false, code: "wrong-button", message: wrong, run };
  }
  if (allowed && !(await allowed(deps, run, actor.id))) {
    const message = `${actor.id} may not ${what} ${run.id}: ask someone listed in the access of ${run.service}`;
    await refuseInAudit(deps, run, actor, ev.type, message);
    return { ok: false, code: "not-allowed", message, run };
  }
  // The run just read is the one decided on: the compare-and-set saves it without reading it again.
  const result = await transition(deps, runId, ev, actor, run);
  if (!result.ok) return result;
  // What comes next is queued first: removing the reminders of a decided gate holds nothing up.
  await queueNext(deps, result.run);
  if (result.before.status === "awaiting-approval" && result.run.status !== "awaiting-approval")
    await cancelGateReminders(deps, run);
  return { ok: true, run: result.run };
}

/** The gate the user names, or the one the run waits at. */
function gateOf(run: Run, gate: string | undefined): string {
  if (gate) return gate;
  const step = run.plan.steps[run.currentStep];
  return step?.kind === "approval" ? step.gate : "(none)";
}

/** A click must come with the gate's token from the gate's approval message; the CLI names the gate itself. */
function clickMismatch(input: GateInput): Mismatch {
  const button = input.button;
  if (!button) return NO_MISMATCH;
  return {
    why: (run) => buttonMismatch(run, gateOf(run, input.gate), button),
    early: (run) => gateMessageUnrecorded(run, gateOf(run, input.gate), button),
  };
}

export function approve(deps: RunActionDeps, input: GateInput): Promise<ActionResult> {
  return act(
    deps,
    input.runId,
    userActor(input.user),
    approver,
    async (run) => {
      const gate = gateOf(run, input.gate);
      const { fromGroups } = ruleOf(run, gate);
      const groups = await deps.approvers.memberships({ user: input.user, groups: fromGroups });
      return { type: "approval-granted", gate, by: input.user, groups };
    },
    "approve",
    clickMismatch(input),
  );
}

export function reject(deps: RunActionDeps, input: GateInput & { reason?: string }): Promise<ActionResult> {
  return act(
    deps,
    input.runId,
    userActor(input.user),
    approver,
    (run) => ({
      type: "approval-rejected",
      gate: gateOf(run, input.gate),
      by: input.user,
      reason: input.reason,
    }),
    "reject",
    clickMismatch(input),
  );
}

export function cancel(
  deps: RunActionDeps,
  input: { runId: string; user: string; reason?: string },
): Promise<ActionResult> {
  return act(
    deps,
    input.runId,
    userActor(input.user),
    operator,
    () => ({ type: "cancelled", by: input.user, reason: input.reason }),
    "cancel",
  );
}

const admin: Permission = (deps, run, user) => deps.approvers.mayAdminister({ service: run.service, user });

/** Audited like every action: the event, who, and the reason, in the run's audit trail. */
export function overrideAnalysis(
  deps: RunActionDeps,
  input: { runId: string; user: string; reason: string },
): Promise<ActionResult> {
  return act(
    deps,
    input.runId,
    userActor(input.user),
    admin,
    (run) => ({ type: "analysis-overridden", step: run.currentStep, by: input.user, reason: input.reason }),
    "override the analysis of",
  );
}

export function retry(deps: RunActionDeps, input: { runId: string; user: string }): Promise<ActionResult> {
  return act(
    deps,
    input.runId,
    userActor(input.user),
    operator,
    () => ({ type: "retried", by: input.user }),
    "retry",
  );
}

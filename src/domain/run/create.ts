import type { NewRun, Run, StepState } from "./run.js";

export function pendingStep(index: number): StepState {
  return {
    index,
    status: "pending",
    attempts: 0,
    startedAt: null,
    finishedAt: null,
    message: null,
    commands: [],
    polls: 0,
    executions: 0,
  };
}

/** A new run at revision 1, its first step pending (nothing has started yet). */
export function createRun(input: NewRun): Run {
  return {
    id: input.id,
    service: input.service,
    version: input.version,
    requester: input.requester,
    createdAt: input.now,
    updatedAt: input.now,
    plan: input.plan,
    steps: input.plan.steps.map((step) => pendingStep(step.index)),
    currentStep: 0,
    gates: [],
    status: "running",
    fourEyes: input.fourEyes,
    approvalRules: input.approvalRules ?? {},
    outcome: null,
    retries: 0,
    notification: null,
    gateTokens: input.gateTokens,
    gateMessages: {},
    ...(input.followUps ? { followUps: input.followUps } : {}),
    previousRelease: input.previousRelease ?? null,
    rollbackToken: input.rollbackToken ?? null,
    rollback: null,
    frozen: null,
    revision: 1,
  };
}

/**
 * `<service>-<generation>-<n>`: the service, when its numbering started and a counter. The generation is taken from
 * the clock when the counter starts, so a counter that starts again (Redis lost its data) never hands out an id it
 * gave before: an old message's button or command cannot reach a new run.
 */
export function runIdOf(service: string, generation: string, n: number): string {
  return `${service}-${generation}-${n}`;
}

/**
 * The generation of a counter starting at `epochMs`: the milliseconds in base 36 (8 characters, shorter than the
 * seconds in decimal). Milliseconds, because Redis can restart empty within the second its counter started.
 */
export function generationAt(epochMs: number): string {
  return Math.floor(epochMs).toString(36);
}

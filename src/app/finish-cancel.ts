import type { PlanStep } from "../domain/plan/plan.js";
import { type CommandOutcome, type Run, SYSTEM_ACTOR } from "../domain/run/run.js";
import type { AdapterFactory } from "../ports/service-adapters.js";
import { type TransitionDeps, transition } from "./transition.js";

export interface FinishCancelDeps extends TransitionDeps {
  adapters: AdapterFactory;
}

interface Stopped {
  message: string;
  commands?: CommandOutcome[];
}

/**
 * Stops the run's rollout through the deployer's halt, where the platform can; what it did (or why it could not)
 * becomes the step's last word on the card. A failed halt never keeps the cancel from ending.
 */
async function haltRollout(deps: FinishCancelDeps, run: Run): Promise<Stopped> {
  const { deployer } = await deps.adapters(run.service);
  if (!deployer.halt)
    return { message: "stopped by a cancel; this deployer cannot stop a rollout, so it goes on" };
  try {
    const { message, commands } = await deployer.halt({
      runId: run.id,
      service: run.service,
      version: run.version,
    });
    deps.logger.info({ runId: run.id, message }, "rollout halted by a cancel");
    return { message: `stopped by a cancel: ${message}`, ...(commands ? { commands } : {}) };
  } catch (error) {
    deps.logger.warn({ err: error, runId: run.id }, "could not halt the rollout of a cancelled run");
    return {
      message: `stopped by a cancel, but the rollout could not be stopped, so it may go on: ${(error as Error).message}`,
    };
  }
}

/**
 * Ends the current step of a run being cancelled, once its worker stopped: a rollout under way is halted first.
 * The run is then cancelled (the reducer ends a cancelling run with its step).
 */
export async function finishCancel(deps: FinishCancelDeps, run: Run, step: PlanStep): Promise<void> {
  const stopped =
    step.kind === "wait-rollout" ? await haltRollout(deps, run) : { message: "stopped by a cancel" };
  await transition(deps, run.id, { type: "step-failed", step: step.index, ...stopped }, SYSTEM_ACTOR);
}

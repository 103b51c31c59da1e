import type { PlanStep } from "../domain/plan/plan.js";
import { contractHold, type Freeze } from "../domain/run/contract-hold.js";
import { isContractStep } from "../domain/run/guards.js";
import { type Run, SYSTEM_ACTOR } from "../domain/run/run.js";
import type { FreezeStore } from "../ports/freeze-store.js";
import type { AdapterFactory } from "../ports/service-adapters.js";
import type { JobControl } from "../ports/step-queue.js";
import { type TransitionDeps, transition } from "./transition.js";

export interface ContractTurnDeps extends TransitionDeps {
  freezes: FreezeStore;
  adapters: AdapterFactory;
}

/** How soon a contract step looks again after the freezes could not be read. */
const UNREADABLE_FREEZES_RETRY_MS = 5000;

/**
 * Returns when the step may start now. A contract step of a frozen service, or outside its change windows, does not:
 * the run records why it waits (once per reason: the thread hears it once) and the job sleeps until the window opens,
 * or a while for a freeze (an unfreeze wakes it sooner). Freezes that cannot be read hold the step too.
 */
export async function awaitContractTurn(
  deps: ContractTurnDeps,
  run: Run,
  step: PlanStep,
  control: JobControl,
): Promise<void> {
  if (!isContractStep(step)) return;
  let freezes: Freeze[];
  try {
    freezes = await deps.freezes.list();
  } catch (error) {
    deps.logger.error(
      { err: error, runId: run.id, step: step.index },
      "could not read the freezes: the contract step does not start, trying again later",
    );
    return control.later(UNREADABLE_FREEZES_RETRY_MS);
  }
  const { windows } = await deps.adapters(run.service);
  const hold = contractHold(run, step, { windows, freezes, now: deps.now() });
  if (!hold) return;
  if (run.steps[step.index]?.message !== hold.message)
    await transition(
      deps,
      run.id,
      { type: "step-held", step: step.index, message: hold.message },
      SYSTEM_ACTOR,
      run,
    );
  deps.logger.info(
    { runId: run.id, step: step.index, why: hold.message, retryInMs: hold.retryInMs },
    "contract step held",
  );
  return control.later(hold.retryInMs);
}

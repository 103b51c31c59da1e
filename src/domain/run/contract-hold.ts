import type { PlanStep } from "../plan/plan.js";
import { type ChangeWindow, windowState } from "./change-windows.js";
import { ALL_SERVICES, type Freeze } from "./freeze.js";
import { isContractStep } from "./guards.js";
import type { Run } from "./run.js";

export { ALL_SERVICES, type Freeze };

/** The freezes that hold a service: its own and the one of every service, if set. */
export function freezesOf(service: string, freezes: readonly Freeze[]): Freeze[] {
  return freezes.filter((f) => f.scope === service || f.scope === ALL_SERVICES);
}

/** "shop frozen by U0ANN since 2026-11-27 11:02 UTC: incident 123", or "every service frozen by …". */
export function describeFreeze(freeze: Freeze): string {
  const what = freeze.scope === ALL_SERVICES ? "every service" : freeze.scope;
  const since = `${freeze.at.slice(0, 16).replace("T", " ")} UTC`;
  return `${what} frozen by ${freeze.by} since ${since}: ${freeze.reason}`;
}

/** How often a contract step held by a freeze looks again (an unfreeze also wakes it at once). */
export const FREEZE_RECHECK_MS = 30_000;
/** The longest a step waiting for its window sleeps before it looks again (the services file may have changed). */
export const WINDOW_RECHECK_MAX_MS = 15 * 60_000;

export interface ContractHold {
  /** Recorded on the step and told in the run's thread: why it waits and until when. */
  message: string;
  /** When to look again. */
  retryInMs: number;
}

/**
 * Why the step may not start now although the run is ready for it, or null: a contract step does not start while
 * its service is frozen, nor outside its change windows. Other steps are never held.
 */
export function contractHold(
  run: Run,
  step: PlanStep,
  context: { windows: readonly ChangeWindow[]; freezes: readonly Freeze[]; now: Date },
): ContractHold | null {
  if (!isContractStep(step)) return null;
  const [freeze] = freezesOf(run.service, context.freezes);
  if (freeze) return { message: `contract waits: ${describeFreeze(freeze)}`, retryInMs: FREEZE_RECHECK_MS };
  const window = windowState(context.windows, context.now);
  if (window.open) return null;
  const until = window.opensAt.getTime() - context.now.getTime();
  return {
    message: `contract waits for the change window: opens ${window.opens}`,
    retryInMs: Math.min(Math.max(until, 0), WINDOW_RECHECK_MAX_MS),
  };
}

/** A contract step started before a freeze: the freeze does not stop it, it runs to its end. */
export interface RunningContract {
  runId: string;
  service: string;
  /** Its index in the plan. */
  step: number;
  title: string;
}

/** The run's contract step that has started and not ended (running, or waiting to try again), if any. */
export function runningContract(run: Run): RunningContract | null {
  const step = run.plan.steps[run.currentStep];
  const state = run.steps[run.currentStep];
  if (!step || !isContractStep(step) || (state?.status !== "running" && state?.status !== "waiting"))
    return null;
  return { runId: run.id, service: run.service, step: step.index, title: step.title };
}

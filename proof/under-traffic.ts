import { setTimeout as sleep } from "node:timers/promises";
import type { ScenarioResult } from "./scenario-result.js";
import type { Stage } from "./stage.js";

/**
 * A change made without phasegate while the fleet serves traffic: settle, change, settle, stop the fleet. The
 * result has no phasegate timings (nothing waited for a rollout or an approval).
 */
export async function changeUnderTraffic(
  stage: Stage,
  scenario: string,
  change: () => Promise<void>,
): Promise<ScenarioResult> {
  const { fleet, options } = stage;
  await sleep(options.settleMs);
  const started = Date.now();
  await change();
  const wallMs = Date.now() - started;
  await sleep(options.settleMs);
  const counters = await fleet.stop();
  return {
    scenario,
    counters,
    wallMs,
    rolloutMs: fleet.rolloutMs(),
    rolloutWaitMs: null,
    approvalWaitMs: null,
    overheadMs: null,
  };
}

import { setTimeout as sleep } from "node:timers/promises";
import { migrate } from "./django.js";
import type { ScenarioResult } from "./scenario-result.js";
import type { Stage } from "./stage.js";

/** What phasegate prevents: every migration first (0002 and 0003), then the rolling deploy of the new code. */
export async function naiveScenario(stage: Stage): Promise<ScenarioResult> {
  const { db, fleet, options } = stage;
  await migrate(db, ["catalog", "0001"]);
  await fleet.start("v1");
  await sleep(options.settleMs);
  const started = Date.now();
  await migrate(db, ["catalog"]);
  fleet.requestRollout("v3");
  await fleet.rolledOut();
  const wallMs = Date.now() - started;
  await sleep(options.settleMs);
  const counters = await fleet.stop();
  return {
    scenario: "naive",
    counters,
    wallMs,
    rolloutMs: fleet.rolloutMs(),
    rolloutWaitMs: null,
    approvalWaitMs: null,
    overheadMs: null,
  };
}

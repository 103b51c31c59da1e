import { migrate } from "../src/fleet/shop-database.js";
import type { ScenarioResult } from "./scenario-result.js";
import type { Stage } from "./stage.js";
import { changeUnderTraffic } from "./under-traffic.js";

/** What phasegate prevents: every migration first (0002 and 0003), then the rolling deploy of the new code. */
export async function naiveScenario(stage: Stage): Promise<ScenarioResult> {
  const { db, fleet } = stage;
  await migrate(db, ["catalog", "0001"]);
  await fleet.start("v1");
  return changeUnderTraffic(stage, "naive", async () => {
    await migrate(db, ["catalog"]);
    fleet.requestRollout("v3");
    await fleet.rolledOut();
  });
}

import { setTimeout as sleep } from "node:timers/promises";
import { checkOut, STORY } from "../src/fleet/release-checkout.js";
import { migrate } from "../src/fleet/shop-database.js";
import { type DrivenRun, driveRun } from "./drive-run.js";
import { startPhasegate } from "./phasegate.js";
import { runTimings } from "./run-timings.js";
import type { ScenarioResult } from "./scenario-result.js";
import { type Stage, shopDir } from "./stage.js";

export interface PhasedResult extends ScenarioResult {
  runs: DrivenRun[];
}

/**
 * The story through phasegate, driven from Slack, one run per release: v2 (expand 0002, roll v1 → v2, wait),
 * then v3 (roll v2 → v3, wait, approval, contract 0003), with traffic from every replica the whole time.
 */
export async function phasedScenario(stage: Stage, approvalDelayMs: number): Promise<PhasedResult> {
  const { db, fleet, options } = stage;
  await migrate(db, ["catalog", "0001"]);
  await fleet.start("v1");
  const phasegate = await startPhasegate(stage);
  try {
    await sleep(options.settleMs);
    const runs: DrivenRun[] = [];
    for (const release of STORY) {
      await checkOut(shopDir, phasegate.checkoutDir, release);
      runs.push(
        await driveRun(phasegate.operator, phasegate.bot.engine.useCases, release.version, approvalDelayMs),
      );
    }
    await sleep(options.settleMs);
    const counters = await fleet.stop();
    return { scenario: "phased", counters, runs, rolloutMs: fleet.rolloutMs(), ...runTimings(runs) };
  } finally {
    await phasegate.close();
  }
}

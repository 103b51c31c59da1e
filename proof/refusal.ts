import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { introspect } from "../src/django/introspect.js";
import type { ClassifiedOperation } from "../src/domain/classify/classification.js";
import { planRelease } from "../src/domain/plan/planner.js";
import { LocalProcessExecutor } from "../src/executors/local-process.js";
import { checkOut, type Release } from "../src/fleet/release-checkout.js";
import { migrate } from "../src/fleet/shop-database.js";
import type { ScenarioResult } from "./scenario-result.js";
import { type Stage, shopDir } from "./stage.js";
import { changeUnderTraffic } from "./under-traffic.js";

const FORCED: Release = {
  version: "forced",
  withoutMigrations: [
    "catalog/migrations/0002_product_is_active.py",
    "catalog/migrations/0003_remove_product_is_enabled.py",
  ],
  addedFiles: {
    "catalog/migrations/0002_product_sku.py": fileURLToPath(
      new URL("forced-migration/0002_product_sku.py", import.meta.url),
    ),
  },
};

export interface RefusalResult extends ScenarioResult {
  /** How phasegate judged the forced AddField (overridden; its reason keeps the refusal). */
  judgement: ClassifiedOperation;
}

async function judgeForced(stage: Stage, projectDir: string): Promise<ClassifiedOperation> {
  const introspection = await introspect({
    executor: new LocalProcessExecutor(),
    projectDir,
    python: [stage.options.python],
    env: { DATABASE_URL: stage.options.databaseUrl },
    targets: [],
    key: "proof-refusal",
  });
  const planned = planRelease(introspection);
  const operations = planned.ok ? planned.plan.operations : planned.operations;
  const judgement = operations.find((o) => o.type === "AddField" && o.migration === "0002_product_sku");
  if (!judgement) throw new Error("phasegate did not see the forced AddField of sku");
  return judgement;
}

/**
 * Why phasegate refuses AddField NOT NULL without a database default: the same migration applied anyway (the
 * override puts it in expand, before any new code) makes the running v1 replicas' INSERTs fail.
 */
export async function refusalScenario(stage: Stage): Promise<RefusalResult> {
  const { fleet } = stage;
  const dir = await mkdtemp(path.join(os.tmpdir(), "phasegate-proof-forced-"));
  try {
    const db = { ...stage.db, projectDir: dir };
    await checkOut(shopDir, dir, FORCED);
    await migrate(db, ["catalog", "0001"]);
    await fleet.start("v1");
    const judgement = await judgeForced(stage, dir);
    const result = await changeUnderTraffic(stage, "forced NOT NULL", () => migrate(db, ["catalog"]));
    return { ...result, judgement };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

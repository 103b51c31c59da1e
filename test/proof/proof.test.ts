import { afterAll, describe, expect, it } from "vitest";
import { naiveScenario } from "../../proof/naive.js";
import { totalsByVersion } from "../../proof/report.js";
import { openStage, type Stage, type TrafficOptions } from "../../proof/stage.js";
import { logger } from "../../src/logger.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";
import { findDjangoPython } from "../support/python.js";

const python = findDjangoPython();
const databases: TestDatabase[] = [];
const stages: Stage[] = [];

/** Small figures for CI: two replicas, short settle times. */
async function stage(): Promise<Stage> {
  const db = createTestDatabase("proof");
  databases.push(db);
  const options: TrafficOptions = {
    python,
    databaseUrl: db.url,
    replicas: 2,
    pauseMs: 2,
    slotPauseMs: 500,
    settleMs: 1_500,
    logger,
  };
  const opened = await openStage(options);
  stages.push(opened);
  return opened;
}

afterAll(async () => {
  for (const opened of stages) await opened.close();
  for (const db of databases) db.drop();
});

describe("naive path: every migration, then the deploy", () => {
  it("breaks the old code: v1 replicas fail on the dropped column", async () => {
    const result = await naiveScenario(await stage());
    const totals = totalsByVersion(result.counters);
    const v1 = totals.find((t) => t.version === "v1");
    expect(v1?.errors).toBeGreaterThan(0);
    expect(v1?.firstError).toMatch(/is_enabled.* does not exist/);
    expect(totals.find((t) => t.version === "v3")).toMatchObject({ errors: 0 });
  });
});

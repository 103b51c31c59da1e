import { describe, expect, it } from "vitest";
import { blockerOutcome } from "../../../src/app/steps/blocker-wait.js";
import { LIVE_FACTS_DEFAULTS } from "../../../src/config/live-facts-schema.js";
import type { ClassifiedOperation } from "../../../src/domain/classify/classification.js";
import {
  conflictingLockNames,
  type PhaseFacts,
  type SessionFacts,
} from "../../../src/domain/locks/live-facts.js";
import { phaseFacts } from "../../../src/domain/locks/phase-facts.js";
import { tableWork } from "../../../src/domain/locks/table-work.js";
import type { MigrateStep } from "../../../src/domain/plan/plan.js";
import { applyRunEvent } from "../../../src/domain/run/reducer.js";
import { liveFactsLines, MRKDWN, PLAIN } from "../../../src/slack/blocks/live-facts-blocks.js";
import { shopRun } from "../../../testkit/plans.js";

function operation(sql: string[], locks: ClassifiedOperation["locks"]): ClassifiedOperation {
  return {
    app: "catalog",
    migration: "0003_x",
    path: "0",
    type: "RunSQL",
    description: "x",
    verdict: "contract",
    reason: "",
    recipe: null,
    notes: [],
    lockWarnings: [],
    locks,
    overridden: false,
    sql,
  };
}

const session = (pid: number, extra: Partial<SessionFacts> = {}): SessionFacts => ({
  pid,
  user: "shop",
  application: "psql",
  state: "idle in transaction",
  ageSeconds: 75,
  query: "SELECT * FROM catalog_product FOR UPDATE",
  table: "catalog_product",
  mode: "RowShareLock",
  ...extra,
});

function factsWith(
  blockers: SessionFacts[],
  mode: "ACCESS EXCLUSIVE" | "SHARE UPDATE EXCLUSIVE",
): PhaseFacts {
  return phaseFacts(
    [{ table: "catalog_product", mode, work: null }],
    {
      vendor: "postgresql",
      tables: [{ table: "catalog_product", exists: true, rows: 5000, bytes: 450_000, sizeOf: "table" }],
      blockers,
      idle: [],
      replicas: [],
    },
    { bytesPerSecond: 50_000_000, source: "configured", measuredAt: null },
    "2026-12-06T03:00:00.000Z",
    60,
  );
}

describe("which sessions block which lock", () => {
  it("follows PostgreSQL's conflict table", () => {
    expect(conflictingLockNames("ACCESS EXCLUSIVE")).toContain("AccessShareLock");
    expect(conflictingLockNames("SHARE")).toEqual(expect.arrayContaining(["RowExclusiveLock"]));
    expect(conflictingLockNames("SHARE")).not.toContain("AccessShareLock");
    expect(conflictingLockNames("SHARE UPDATE EXCLUSIVE")).not.toContain("RowExclusiveLock");
  });
});

describe("what a phase does to each table", () => {
  it("tells a rewrite from a scan from a change of the catalog only", () => {
    const work = tableWork([
      operation(['ALTER TABLE "a" ALTER COLUMN "n" TYPE bigint'], [{ table: "a", mode: "ACCESS EXCLUSIVE" }]),
      operation(
        ['ALTER TABLE "b" ALTER COLUMN "n" SET NOT NULL'],
        [{ table: "b", mode: "ACCESS EXCLUSIVE" }],
      ),
      operation(['ALTER TABLE "c" DROP COLUMN "n" CASCADE'], [{ table: "c", mode: "ACCESS EXCLUSIVE" }]),
    ]);
    expect(work.map((w) => [w.table, w.work])).toEqual([
      ["a", "rewrite"],
      ["b", "scan"],
      ["c", null],
    ]);
  });

  it("reads SQLite's remake of a table as a rewrite of it", () => {
    const remake = [
      'CREATE TABLE "new__catalog_product" ("id" integer NOT NULL PRIMARY KEY)',
      'INSERT INTO "new__catalog_product" ("id") SELECT "id" FROM "catalog_product"',
      'DROP TABLE "catalog_product"',
      'ALTER TABLE "new__catalog_product" RENAME TO "catalog_product"',
    ];
    expect(tableWork([operation(remake, [])]).find((w) => w.table === "catalog_product")?.work).toBe(
      "rewrite",
    );
  });

  it("estimates a rewrite from the size and the rate", () => {
    const facts = phaseFacts(
      [{ table: "t", mode: "ACCESS EXCLUSIVE", work: "rewrite" }],
      {
        vendor: "postgresql",
        tables: [{ table: "t", exists: true, rows: 1, bytes: 500_000_000, sizeOf: "table" }],
        blockers: [],
        idle: [],
        replicas: [],
      },
      { bytesPerSecond: 50_000_000, source: "measured", measuredAt: "2026-12-01T00:00:00.000Z" },
      "2026-12-06T03:00:00.000Z",
      60,
    );
    const lines = liveFactsLines(facts, PLAIN).join("\n");
    expect(lines).toContain(
      "t: ~1 rows, 500 MB; ACCESS EXCLUSIVE, rewritten, ~10.0 s at 50 MB/s (rate measured on this database",
    );
  });
});

describe("a migrate step and the sessions that would block its lock", () => {
  const run = shopRun();
  const contract = run.plan.steps[4] as MigrateStep;
  const started = {
    ...run,
    steps: run.steps.map((s) =>
      s.index === 4 ? { ...s, status: "running" as const, startedAt: "2026-12-06T03:00:00.000Z" } : s,
    ),
  };
  const config = { ...LIVE_FACTS_DEFAULTS, blockerWaitSeconds: 120, recheckSeconds: 5 };

  it("waits, saying who blocks, without counting the wait as a try; tells the thread only when the sessions change", () => {
    const first = blockerOutcome(
      started,
      contract,
      factsWith([session(4242)], "ACCESS EXCLUSIVE"),
      config,
      new Date("2026-12-06T03:00:10Z"),
    );
    expect(first).toMatchObject({ kind: "again", delayMs: 5000, announce: true, counted: false });
    const message = first?.kind === "again" ? first.message : "";
    expect(message).toContain(
      "pid 4242 (psql, user shop, idle in transaction for 75 s, RowShareLock on catalog_product)",
    );
    const waiting = { ...started, steps: started.steps.map((s) => (s.index === 4 ? { ...s, message } : s)) };
    const same = blockerOutcome(
      waiting,
      contract,
      factsWith([session(4242, { ageSeconds: 80 })], "ACCESS EXCLUSIVE"),
      config,
      new Date("2026-12-06T03:00:15Z"),
    );
    expect(same).toMatchObject({ kind: "again", announce: false });
    const other = blockerOutcome(
      waiting,
      contract,
      factsWith([session(5151)], "ACCESS EXCLUSIVE"),
      config,
      new Date("2026-12-06T03:00:20Z"),
    );
    expect(other).toMatchObject({ kind: "again", announce: true });
  });

  it("gives up, having changed nothing, once the wait is over; never waits for a lock that lets the application go on", () => {
    const late = blockerOutcome(
      started,
      contract,
      factsWith([session(4242)], "ACCESS EXCLUSIVE"),
      config,
      new Date("2026-12-06T03:02:00Z"),
    );
    expect(late).toMatchObject({ kind: "failed" });
    expect(late?.kind === "failed" ? late.message : "").toContain("nothing was changed");
    expect(
      blockerOutcome(
        started,
        contract,
        factsWith([session(4242)], "SHARE UPDATE EXCLUSIVE"),
        config,
        new Date(),
      ),
    ).toBeNull();
    expect(
      blockerOutcome(started, contract, factsWith([], "ACCESS EXCLUSIVE"), config, new Date()),
    ).toBeNull();
  });

  it("keeps the lock guard's tries for lock timeouts: a wait does not count as one", () => {
    const waiting = { ...started, steps: started.steps.map((s) => (s.index === 4 ? { ...s, polls: 2 } : s)) };
    const moved = { ...waiting, currentStep: 4, status: "running" as const };
    const event = { type: "step-progress" as const, step: 4, message: "waiting", counted: false };
    const after = applyRunEvent(moved, event, "2026-12-06T03:00:30.000Z");
    expect(after.ok && after.run.steps[4]?.polls).toBe(2);
  });
});

describe("live facts as Slack shows them", () => {
  it("escapes what sessions say about themselves: no mention, no broken code span", () => {
    const facts = factsWith(
      [session(7, { application: "<!channel> app", query: "SELECT '`<@U123>`' FROM catalog_product" })],
      "ACCESS EXCLUSIVE",
    );
    const text = liveFactsLines(facts, MRKDWN).join("\n");
    expect(text).not.toContain("<!channel>");
    expect(text).not.toContain("<@U123>");
    expect(text).toContain("&lt;!channel&gt; app");
    expect(text).toContain("`SELECT ''&lt;@U123&gt;'' FROM catalog_product`");
  });

  it("says why there are no facts instead of failing", () => {
    const text = liveFactsLines(
      {
        ok: false,
        gatheredAt: "2026-12-06T03:00:00.000Z",
        unavailable: "the database did not answer in time",
      },
      MRKDWN,
    );
    expect(text).toEqual(["Live facts unavailable: the database did not answer in time"]);
  });
});

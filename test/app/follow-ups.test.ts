import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseServices } from "../../src/config/load-services.js";
import type { Introspection } from "../../src/domain/classify/migration.js";
import type { ServiceIntrospector } from "../../src/ports/service-introspector.js";
import { answerCommand } from "../../src/slack/inbound/command-answers.js";
import { parseMigrateCommand } from "../../src/slack/inbound/command-parser.js";
import { createEngine, type Engine } from "../../src/wiring/engine.js";
import { addField, dependsOn, introspection, migration } from "../../testkit/migrations.js";
import { connectRedis, deleteKeys, uniquePrefix } from "../../testkit/redis.js";

const services = parseServices(
  `services:
  shop:
    project: { path: shop }
    deployer: { kind: command, command: ["true"] }
    rollout: { kind: command, command: ["true"] }
    slack: { channel: C1 }
    access:
      fourEyes: false
      approvers: { users: [U_BOB] }
`,
  "services.yaml",
);

/** v41 ships the first part of a split (it declares what v42 owes); v42 ships it or not. */
const first = migration("inventory.0002_stock_warehouse", [addField("warehouse", { null: true })], {
  followUp: [
    { name: "0003_stock_warehouse_backfill", phase: "expand" },
    { name: "0004_stock_warehouse_not_null", phase: "contract" },
  ],
});
const backfill = migration("inventory.0003_stock_warehouse_backfill", [addField("other", { null: true })], {
  dependencies: dependsOn("inventory.0002_stock_warehouse"),
});
const unrelated = migration("inventory.0003_unrelated", [addField("note", { null: true })], {
  dependencies: dependsOn("inventory.0002_stock_warehouse"),
});
const refusedWithOwed = migration(
  "inventory.0004_stock_warehouse_not_null",
  [addField("bad", { null: false })],
  {
    dependencies: dependsOn("inventory.0003_stock_warehouse_backfill"),
  },
);
const releases: Record<string, Introspection> = {
  v44: {
    ...introspection([backfill, refusedWithOwed]),
    applied: dependsOn("inventory.0002_stock_warehouse"),
  },
  v41: introspection([first]),
  v42: { ...introspection([backfill]), applied: dependsOn("inventory.0002_stock_warehouse") },
  v43: { ...introspection([unrelated]), applied: dependsOn("inventory.0002_stock_warehouse") },
};
const scripted: ServiceIntrospector = async ({ version }) => {
  const found = releases[version];
  if (!found) throw new Error(`no release ${version}`);
  return found;
};

const redis = connectRedis();
const prefix = uniquePrefix("follow-ups");
let engine: Engine;
/** The id of the first run; later runs of the service number on from it (ids carry a generation: see runIdOf). */
let firstRun = "";
const runNumber = (n: number) => firstRun.replace(/-1$/, `-${n}`);

async function answer(text: string, user = "U_ALICE"): Promise<string> {
  const parsed = parseMigrateCommand(text);
  if (!parsed.ok) throw new Error(parsed.message);
  const message = await answerCommand({ useCases: engine.useCases, services }, parsed.command, {
    user,
    channel: "C1",
  });
  // `/migrate plan <run>` may answer in several messages; the others answer in one.
  return JSON.stringify([message].flat().flatMap((m) => m.blocks));
}

async function finish(runId: string): Promise<void> {
  await engine.useCases.cancel({ runId, user: "U_BOB", reason: "test: frees the service" });
}

beforeAll(() => {
  engine = createEngine({ redis, prefix, services, introspect: scripted });
});

afterAll(async () => {
  await engine.close();
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

describe("follow-ups across releases", () => {
  it("a run that ships the first part records what the next releases owe; its card and /migrate owed say so", async () => {
    const started = await engine.useCases.startRun({ service: "shop", version: "v41", requester: "U_ALICE" });
    if (!started.ok || started.dryRun) throw new Error("v41 did not start");
    firstRun = started.run.id;
    expect(started.run.followUps?.owes).toEqual([
      "inventory.0003_stock_warehouse_backfill (expand)",
      "inventory.0004_stock_warehouse_not_null (contract)",
    ]);
    await finish(started.run.id);
    const owed = await answer("owed shop");
    expect(owed).toContain("shop owes 2 migrations from earlier releases");
    expect(owed).toContain("owed from shop v41: inventory.0004_stock_warehouse_not_null (contract)");
  });

  it("/migrate plan and start of a release without them warn; with one, say it settles it; refused, still say", async () => {
    expect(await answer("plan shop v43")).toContain(
      "owed from shop v41: inventory.0004_stock_warehouse_not_null (contract) — *not in this release*",
    );
    const started = await answer("start shop v43");
    expect(started).toContain(`Started *${runNumber(2)}*`);
    expect(started).toContain("inventory.0004_stock_warehouse_not_null (contract) — *not in this release*");
    await finish(runNumber(2));
    const refused = await answer("plan shop v44");
    expect(refused).toContain("cannot roll out safely");
    expect(refused).toContain("`phasegate split --project shop` shows the diff");
    expect(refused).toContain("inventory.0004_stock_warehouse_not_null (contract) — this release settles it");
    const v42 = await answer("plan shop v42");
    expect(v42).toContain("inventory.0003_stock_warehouse_backfill (expand) — this release settles it");
    expect(v42).toContain("inventory.0004_stock_warehouse_not_null (contract) — *not in this release*");
  });

  it("a run that ships one settles it: the card lists it and it is no longer owed", async () => {
    const started = await engine.useCases.startRun({ service: "shop", version: "v42", requester: "U_ALICE" });
    if (!started.ok || started.dryRun) throw new Error("v42 did not start");
    expect(started.run.followUps?.settles).toEqual([
      "owed from shop v41: inventory.0003_stock_warehouse_backfill (expand)",
    ]);
    expect(await answer(`status ${started.run.id}`)).toContain(
      "settles owed from shop v41: inventory.0003_stock_warehouse_backfill (expand)",
    );
    await finish(started.run.id);
    expect((await engine.useCases.owed("shop"))?.map((o) => o.name)).toEqual([
      "0004_stock_warehouse_not_null",
    ]);
  });

  it("only an approver drops a follow-up, with a reason recorded in the audit of the run that owed it", async () => {
    const refused = await answer(
      "drop-owed shop inventory.0004_stock_warehouse_not_null not needed",
      "U_ALICE",
    );
    expect(refused).toContain("may not drop follow-ups of shop");
    expect(await engine.useCases.owed("shop")).toHaveLength(1);
    expect((await engine.useCases.audit(firstRun))?.at(-1)).toMatchObject({
      action: "follow-up-dropped",
      outcome: "refused",
      actor: { kind: "user", id: "U_ALICE" },
    });
    const ok = await answer(
      "drop-owed shop inventory.0004_stock_warehouse_not_null column stays nullable by design",
      "U_BOB",
    );
    expect(ok).toContain(`is no longer owed by shop (declared in ${firstRun})`);
    expect(await engine.useCases.owed("shop")).toEqual([]);
    const audit = await engine.useCases.audit(firstRun);
    expect(audit?.at(-1)).toMatchObject({
      action: "follow-up-dropped",
      actor: { kind: "user", id: "U_BOB" },
      detail: "inventory.0004_stock_warehouse_not_null no longer owed: column stays nullable by design",
    });
    expect(await answer("drop-owed shop inventory.0004_stock_warehouse_not_null again", "U_BOB")).toContain(
      "shop owes no inventory.0004_stock_warehouse_not_null",
    );
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Run } from "../../src/domain/run/run.js";
import type { AuditEntry } from "../../src/ports/run-store.js";
import { RedisFollowUps } from "../../src/store/redis-follow-ups.js";
import { APPROVER, createHarness, type Harness, REQUESTER } from "../../testkit/engine-harness.js";
import { redisUrl } from "../../testkit/redis.js";
import { runCli } from "../../testkit/run-cli.js";

let h: Harness;
const ADMIN = "U_CAROL";

beforeAll(async () => {
  h = await createHarness("cli", {
    shop: {
      config: {
        access: {
          starters: [],
          approvers: { users: [APPROVER, "U_CAROL", REQUESTER] },
          admins: { users: [ADMIN] },
        },
      },
    },
  });
  h.startWorkers(1);
});

afterAll(() => h.close());

/** `phasegate run …` against the harness's Redis prefix and services file, configured through the environment. */
const run = (args: string[], user = REQUESTER) =>
  runCli(["run", ...args], {
    PHASEGATE_SERVICES: h.file("services.yaml"),
    REDIS_URL: redisUrl,
    PHASEGATE_PREFIX: h.prefix,
    PHASEGATE_USER: user,
  });

describe("phasegate run on a real Redis", () => {
  // A dozen CLI processes (each a tsx start) and three Django ones: over a minute on a loaded machine.
  it("starts a run, shows it, approves it at the gate, lists it and prints its audit", {
    timeout: 180_000,
  }, async () => {
    const dry = await run(["start", "--service", "shop", "--version", "v2", "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("Plan (nothing stored):");
    expect(dry.stdout).toContain("5. contract");

    const started = await run(["start", "--service", "shop", "--version", "v2", "--json"]);
    expect(started.stderr).toBe("");
    expect(started.code).toBe(0);
    const runId = (JSON.parse(started.stdout) as Run).id;
    expect(runId).toMatch(/^shop-[0-9a-z]{8}-1$/);

    const again = await run(["start", "--service", "shop", "--version", "v3"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`shop already has an active run, ${runId}`);

    await h.waitFor(runId, (r) => r.status === "awaiting-approval", "to the gate");
    const status = await run(["status", "--run", runId]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(
      new RegExp(`^${runId} {2}shop v2 {2}awaiting-approval {2}requested by U_ALICE`),
    );
    expect(status.stdout).toMatch(/> 4\. +approval +waiting/);

    const own = await run(["approve", "--run", runId]);
    expect(own.code).toBe(1);
    expect(own.stderr).toMatch(/cannot approve it too \(four-eyes\)/);

    const approved = await run(["approve", "--run", runId], APPROVER);
    expect(approved.code).toBe(0);
    await h.waitFor(runId, (r) => r.status === "succeeded", "succeeded");
    expect(h.columns("shop")).not.toContain("is_enabled");

    const list = await run(["list"]);
    expect(list.stdout.split("\n")[1]).toMatch(new RegExp(`^${runId} +shop +v2 +succeeded +5/5`));

    const audit = await run(["audit", "--run", runId, "--json"]);
    const entries = JSON.parse(audit.stdout) as AuditEntry[];
    expect(
      entries.filter((e) => e.action === "approval-granted").map((e) => [e.actor.id, e.outcome]),
    ).toEqual([
      [REQUESTER, "refused"],
      [APPROVER, "applied"],
    ]);
    const text = await run(["audit", "--run", runId]);
    expect(text.stdout).toMatch(/U_BOB +approval-granted +awaiting-approval -> running +applied/);
  });

  it("says what is wrong with bad arguments (exit 2) and unknown runs (exit 1)", async () => {
    const usage = await run(["approve"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("run approve needs --run ID");
    const action = await run(["frobnicate"]);
    expect(action.code).toBe(2);
    expect(action.stderr).toContain('unknown action "frobnicate"');
    const missing = await run(["status", "--run", "shop-99"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(
      'no run shop-99 (finished runs are kept 90 days): check the id with "phasegate run list"',
    );
    const unknown = await run(["start", "--service", "billing", "--version", "v2"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no service "billing" (known: shop)');
    const noServices = await runCli(["run", "list"], { PHASEGATE_SERVICES: undefined });
    expect(noServices.code).toBe(2);
    expect(noServices.stderr).toContain("pass --services FILE or set PHASEGATE_SERVICES");
  });

  it("freezes and unfreezes from a terminal (admins only), and a frozen service starts nothing", async () => {
    const notAdmin = await run(["freeze", "--service", "shop", "--reason", "incident 7"]);
    expect(notAdmin.code).toBe(1);
    expect(notAdmin.stderr).toContain(REQUESTER);

    const frozen = await run(["freeze", "--service", "shop", "--reason", "incident 7"], ADMIN);
    expect(frozen.code).toBe(0);
    expect(frozen.stdout).toContain(`shop frozen by ${ADMIN}`);
    const preview = await run(["start", "--service", "shop", "--version", "v3", "--dry-run"]);
    expect(preview.stdout).toContain("a start is refused until an admin runs `/migrate unfreeze shop`");
    const start = await run(["start", "--service", "shop", "--version", "v3"]);
    expect(start.code).toBe(1);
    expect(start.stderr).toContain("incident 7");

    const listed = await run(["freezes"]);
    expect(listed.stdout).toContain(`shop frozen by ${ADMIN}`);
    expect(listed.stdout).toMatch(new RegExp(`${REQUESTER} +freeze +shop +refused`));
    expect(listed.stdout).toMatch(new RegExp(`${ADMIN} +freeze +shop +applied +incident 7`));

    expect((await run(["unfreeze", "--service", "shop"], ADMIN)).code).toBe(0);
    expect((await run(["freezes"])).stdout).toContain("Nothing is frozen.");
  });

  it("lists and drops the follow-ups a service owes, as /migrate owed and drop-owed do", async () => {
    await new RedisFollowUps(h.redis, h.prefix).update(
      "shop",
      [
        {
          app: "inventory",
          name: "0004_stock_warehouse_not_null",
          phase: "contract",
          owedBy: { app: "inventory", name: "0002_stock_warehouse" },
          runId: "shop-mik29400-7",
          version: "v41",
          at: "2026-01-01T00:00:00.000Z",
        },
      ],
      [],
    );
    const owed = await run(["owed", "--service", "shop"]);
    expect(owed.code).toBe(0);
    expect(owed.stdout).toContain("owed from shop v41: inventory.0004_stock_warehouse_not_null (contract)");
    const migration = ["--service", "shop", "--migration", "inventory.0004_stock_warehouse_not_null"];
    const dropped = await run(["drop-owed", ...migration, "--reason", "the column stays nullable"]);
    expect(dropped.stderr).toBe("");
    expect(dropped.stdout).toContain("inventory.0004_stock_warehouse_not_null is no longer owed by shop");
    expect((await run(["owed", "--service", "shop"])).stdout).toContain("shop owes nothing.");
  });

  it("checks ids and reasons by the rules /migrate uses, and lists the same actions in its help", async () => {
    const badId = await run(["status", "--run", "shop 1"]);
    expect(badId.code).toBe(2);
    expect(badId.stderr).toContain("like shop-mik38h5c-2");
    const shortReason = await run(["reject", "--run", "shop-mik29400-1", "--reason", "ok"]);
    expect(shortReason.code).toBe(2);
    expect(shortReason.stderr).toContain("--reason TEXT: say why, in a few words");
    const help = await run(["--help"]);
    for (const action of ["plan", "owed", "drop-owed"])
      expect(help.stdout).toMatch(new RegExp(`^  ${action} +--`, "m"));
  });
});

import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { Run } from "../../src/domain/run/run.js";
import { runIdIn } from "../../testkit/run-ids.js";
import {
  ALICE,
  BOB,
  CAROL,
  SHOP_CHANNEL,
  type SlackHarness,
  startSlackHarness,
} from "../../testkit/slack-setup.js";
import { type HeldLock, holdLock } from "../app/steps/pg-sessions.js";

// CAROL is an admin of every service; ALICE and BOB start and approve runs.
let h: SlackHarness;
let lock: HeldLock | null = null;

beforeAll(async () => {
  // The contract migrate of `thawed` waits up to a minute for a table lock: it is running while it waits (without
  // live facts, it does not wait for the session before it starts).
  h = await startSlackHarness("freezerunning", {
    withWorker: true,
    extraServices: {
      thawed: { keys: { lockGuard: { lockTimeoutMs: 60_000, maxTries: 1 }, liveFacts: { enabled: false } } },
    },
  });
});

afterAll(async () => {
  await lock?.release();
  await h?.close();
});

const CONTRACT = 4;

/** The database of a service, as the harness's services file names it. */
async function databaseOf(service: string): Promise<string> {
  const file = parse(await readFile(h.servicesFile, "utf8")) as {
    services: Record<string, { project: { env: { DATABASE_URL: string } } }>;
  };
  return new URL(file.services[service]?.project.env.DATABASE_URL ?? "").pathname.slice(1);
}

async function atGate(service: string): Promise<Run> {
  const runId = runIdIn((await h.migrate(`start ${service} v2`, ALICE)).text, service);
  return h.waitForRun(runId, (r) => r.status === "awaiting-approval" && r.notification !== null);
}

const channelTexts = () => h.fake.history(SHOP_CHANNEL).map((m) => JSON.stringify(m.blocks ?? m.text));

describe("a freeze while a contract step runs", () => {
  it("says no contract step was running when none was", async () => {
    const answer = await h.migrate("freeze shop incident 7", CAROL);
    expect(answer.all).toContain("no contract step of *shop* was running");
    const announcement = await h.fake.waitFor(() => channelTexts().find((t) => t.includes("incident 7")));
    expect(announcement).toContain("no contract step of *shop* was running");
    expect((await h.migrate("unfreeze shop", CAROL)).text).toMatch(/^:sunny: shop unfrozen/);
  });

  it("names the contract step already running in the answer and the announcement, and it finishes", async () => {
    const run = await atGate("thawed");
    // A reader holds the table the contract alters: the contract migrate starts and waits for it.
    lock = await holdLock(await databaseOf("thawed"), "catalog_product", "ACCESS SHARE");
    expect((await h.migrate(`approve ${run.id}`, BOB)).text).toContain("Your approval");
    const running = await h.waitForRun(run.id, (r) => r.steps[CONTRACT]?.status === "running");
    const title = running.plan.steps[CONTRACT]?.title ?? "";

    const answer = await h.migrate("freeze thawed incident 8", CAROL);
    const named = `Already running, not stopped by the freeze, and will finish: ${run.id} step ${CONTRACT + 1} (${title})`;
    expect(answer.all).toContain(named);
    const announcement = await h.fake.waitFor(() => channelTexts().find((t) => t.includes("incident 8")));
    expect(announcement).toContain(named);

    await lock.release();
    lock = null;
    const done = await h.waitForRun(run.id, (r) => r.status === "succeeded");
    expect(done.steps[CONTRACT]?.status).toBe("succeeded");
    expect((await h.migrate("unfreeze thawed", CAROL)).text).toMatch(/^:sunny: thawed unfrozen/);
  }, 120_000);
});

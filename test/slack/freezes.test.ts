import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Run } from "../../src/domain/run/run.js";
import type { StoredMessage } from "../../src/slack-emulator/index.js";
import { runIdIn } from "../../testkit/run-ids.js";
import {
  ALICE,
  BOB,
  CAROL,
  EVE,
  SHOP_CHANNEL,
  type SlackHarness,
  startSlackHarness,
} from "../../testkit/slack-setup.js";

// CAROL is an admin of every service (through the user group S0DBA); ALICE and BOB start and approve runs.
let h: SlackHarness;

beforeAll(async () => {
  h = await startSlackHarness("slackfreeze", { withWorker: true, extraServices: { frosty: {}, icy: {} } });
});

afterAll(async () => {
  await h?.close();
});

const CONTRACT = 4;

async function atGate(service: string): Promise<Run> {
  const runId = runIdIn((await h.migrate(`start ${service} v2`, ALICE)).text, service);
  return h.waitForRun(runId, (r) => r.status === "awaiting-approval" && r.notification !== null);
}

const cardText = (run: Run) =>
  JSON.stringify(h.fake.message(SHOP_CHANNEL, run.notification?.ts ?? "")?.blocks);
const threadTexts = (run: Run) =>
  h.fake.replies(SHOP_CHANNEL, run.notification?.ts ?? "").map((m: StoredMessage) => m.text ?? "");
const channelTexts = () => h.fake.history(SHOP_CHANNEL).map((m) => m.text ?? "");

describe("freezes", () => {
  it("refuses a freeze by someone who is no admin, or of an unknown service, and keeps both in the freeze trail", async () => {
    const refused = await h.migrate("freeze shop incident 123", ALICE);
    expect(refused.text).toBe(
      ":no_entry: <@U0ALICE> may not freeze or unfreeze shop: only an admin of shop may (access.admins)",
    );
    const unknown = await h.migrate("freeze nosuch incident 123", CAROL);
    expect(unknown.text).toMatch(
      /^:no_entry: no service "nosuch" \(known: shop, inventory, stuck, frosty, icy, or all\)$/,
    );
    expect((await h.migrate("freeze shop", CAROL)).text).toMatch(/^Missing <reason>\./);

    const trail = await h.migrate("freezes", EVE);
    expect(trail.all).toContain("Nothing is frozen.");
    expect(trail.all).toContain(
      `<@${ALICE}> \`freeze shop\` *refused*: <@${ALICE}> may not freeze or unfreeze shop: only an admin of shop may`,
    );
    expect(trail.all).toContain(`<@${CAROL}> \`freeze nosuch\` *refused*: no service`);
  });

  it("stops new runs and holds an approved contract while frozen; the unfreeze lets it run", async () => {
    const run = await atGate("frosty");
    const frozen = await h.migrate("freeze frosty incident 123 <!channel>", CAROL);
    expect(frozen.all).toContain(`:snowflake: *frosty* frozen by <@${CAROL}>`);
    expect(frozen.all).toContain("incident 123 &lt;!channel&gt;");
    const announcement = await h.fake.waitFor(() =>
      channelTexts().find((t) => t.startsWith(`:snowflake: <@${CAROL}> froze *frosty*`)),
    );
    expect(announcement).toContain("incident 123 &lt;!channel&gt;");
    // The card of the run at its gate says so before anyone approves, and the run's audit trail says who.
    await h.fake.waitFor(() =>
      cardText(run).includes(`:snowflake: frosty frozen by <@${CAROL}>`) ? cardText(run) : null,
    );
    expect(cardText(run)).toContain("the contract phase waits until it is lifted");
    const noted = (await h.bot.engine.useCases.audit(run.id))?.find((e) => e.action === "freeze-noted");
    expect(noted).toMatchObject({ actor: { id: CAROL }, outcome: "applied" });

    const start = await h.migrate("start frosty v3", BOB);
    expect(start.text).toMatch(
      /^:no_entry: frosty frozen by <@U0CAROL> since \d{4}-\d\d-\d\d \d\d:\d\d UTC: incident 123 &lt;!channel&gt;\. Nothing was started; an admin lifts the freeze with `\/migrate unfreeze frosty`\.$/,
    );
    expect(start.all).toContain(":no_entry: frosty frozen by <@U0CAROL>");
    expect(start.all).toContain("&lt;!channel&gt;");
    const again = await h.migrate("freeze frosty a second reason", CAROL);
    expect(again.text).toMatch(
      /^:no_entry: frosty frozen by <@U0CAROL> .*To change the reason, unfreeze it first\.$/,
    );

    expect((await h.migrate(`approve ${run.id}`, BOB)).text).toContain("Your approval");
    const held = await h.waitForRun(run.id, (r) => Boolean(r.steps[CONTRACT]?.message));
    expect(held.steps[CONTRACT]).toMatchObject({ status: "pending" });
    expect(held.steps[CONTRACT]?.message).toMatch(
      /^contract waits: frosty frozen by U0CAROL since .*: incident 123/,
    );
    await h.fake.waitFor(() => cardText(held).includes("contract waits: frosty frozen by <@U0CAROL>"));
    await h.fake.waitFor(() => threadTexts(held).find((t) => t.includes("contract waits: frosty frozen")));

    const list = await h.migrate("list frosty", EVE);
    expect(list.all).toContain(`:snowflake: *frosty* frozen by <@${CAROL}>`);
    expect(list.all).toContain(":double_vertical_bar: contract waits: frosty frozen by <@U0CAROL>");

    expect((await h.migrate("unfreeze frosty", ALICE)).text).toMatch(/^:no_entry: <@U0ALICE> may not/);
    expect((await h.migrate("unfreeze frosty", CAROL)).text).toMatch(/^:sunny: frosty unfrozen/);
    await h.fake.waitFor(() =>
      channelTexts().find((t) => t.startsWith(`:sunny: <@${CAROL}> unfroze *frosty*`)),
    );
    const done = await h.waitForRun(run.id, (r) => r.status === "succeeded");
    expect(done.frozen).toBeNull();
    // Said once in the thread, although the worker looked again while it waited.
    expect(threadTexts(held).filter((t) => t.includes("contract waits"))).toHaveLength(1);
    expect((await h.migrate("unfreeze frosty", CAROL)).text).toBe(
      ":no_entry: frosty is not frozen: `/migrate freezes` shows what is",
    );
    const trail = (await h.migrate("freezes", EVE)).all;
    expect(trail).toContain(`<@${CAROL}> \`unfreeze frosty\`: lifted`);
    expect(trail).toContain(`<@${CAROL}> \`freeze frosty\`: incident 123`);
  });

  it("freezes every service with all, and a run waiting for the unfreeze can still be cancelled", async () => {
    expect((await h.migrate("freeze all holidays", ALICE)).text).toMatch(
      /^:no_entry: <@U0ALICE> may not freeze or unfreeze all: only an admin of shop may \(access\.admins\); all needs an admin of every service$/,
    );
    const run = await atGate("icy");
    expect((await h.migrate("freeze all code freeze for the holidays", CAROL)).all).toContain(
      `:snowflake: every service frozen by <@${CAROL}>`,
    );
    // Every service is in the same channel here: one announcement names them all.
    const announcement = await h.fake.waitFor(() =>
      channelTexts().find((t) => t.startsWith(`:snowflake: <@${CAROL}> froze every service`)),
    );
    expect(announcement).toContain("code freeze for the holidays");
    expect((await h.migrate("start frosty v4", BOB)).text).toMatch(
      /^:no_entry: every service frozen by <@U0CAROL> since .*: code freeze for the holidays\. Nothing was started; an admin lifts the freeze with `\/migrate unfreeze all`\.$/,
    );
    for (const read of ["list", "status"])
      expect((await h.migrate(read, EVE, SHOP_CHANNEL)).all).toContain(
        `:snowflake: every service frozen by <@${CAROL}>`,
      );
    expect((await h.migrate(`approve ${run.id}`, BOB)).text).toContain("Your approval");
    const held = await h.waitForRun(run.id, (r) => Boolean(r.steps[CONTRACT]?.message));
    expect(held.steps[CONTRACT]?.message).toMatch(/^contract waits: every service frozen by U0CAROL/);
    expect((await h.migrate(`cancel ${run.id}`, ALICE)).text).toContain(`Cancel of ${run.id} recorded`);
    const cancelled = await h.waitForRun(run.id, (r) => r.status === "cancelled");
    expect(cancelled.steps[CONTRACT]?.status).toBe("skipped");
    expect((await h.migrate("unfreeze all", CAROL)).text).toMatch(/^:sunny: Every service unfrozen/);
    expect((await h.migrate("freezes", EVE)).all).toContain("Nothing is frozen.");
  });
});

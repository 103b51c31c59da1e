import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APPROVE_ACTION } from "../../../src/slack/blocks/approval.js";
import {
  blockActionsBody,
  nowSeconds,
  slackSignature,
  slashCommandBody,
} from "../../../src/slack-emulator/index.js";
import {
  ALICE,
  BOB,
  CAROL,
  EVE,
  OPS_CHANNEL,
  OTHER_CHANNEL,
  SECRET,
  type SlackHarness,
  startSlackHarness,
} from "../../../testkit/slack-setup.js";

let h: SlackHarness;

beforeAll(async () => {
  h = await startSlackHarness("slackcmd", { withWorker: false });
});

afterAll(async () => {
  await h?.close();
});

/** Nothing was started: no run stored, no card posted. */
async function expectNothingStarted(): Promise<void> {
  expect(await h.bot.engine.useCases.list()).toEqual([]);
  expect(h.fake.callsOf("chat.postMessage")).toEqual([]);
}

describe("the bot's HTTP server", () => {
  it("serves /healthz, /readyz (Redis answers) and /metrics next to Slack's endpoint", async () => {
    const base = h.url.replace("/slack/events", "");
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect([ready.status, await ready.text()]).toEqual([200, "ready\n"]);
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get("content-type")).toContain("text/plain");
  });
});

describe("request signatures", () => {
  const body = () =>
    slashCommandBody({
      text: "start shop v2",
      user: ALICE,
      channel: "C0SHOP",
      responseUrl: h.fake.responseUrl("forged"),
    });

  it("refuses a forged signature and starts nothing", async () => {
    const answer = await h.send(body(), {
      signature: slackSignature("not-the-secret", nowSeconds(), body()),
    });
    expect(answer.status).toBe(401);
    await expectNothingStarted();
  });

  it("refuses a correctly signed request older than five minutes (replay) and starts nothing", async () => {
    const old = nowSeconds() - 6 * 60;
    const answer = await h.send(body(), { timestamp: old, signature: slackSignature(SECRET, old, body()) });
    expect(answer.status).toBe(401);
    await expectNothingStarted();
  });

  it("refuses a body changed after signing", async () => {
    const ts = nowSeconds();
    const answer = await h.send(body().replace("v2", "v3"), {
      timestamp: ts,
      signature: slackSignature(SECRET, ts, body()),
    });
    expect(answer.status).toBe(401);
    await expectNothingStarted();
  });
});

describe("/migrate answers", () => {
  it("lists the subcommands for help", async () => {
    const answer = await h.migrate("help");
    expect(answer.status).toBe(200);
    expect(answer.text).toContain("`/migrate start <service> <version> [--dry-run]`");
  });

  it.each([
    ["", "Tell me what to do"],
    ["deploy shop v2", 'Unknown subcommand "deploy"'],
    ["start", "Missing <service>.\nUsage: `/migrate start <service> <version> [--dry-run]`"],
    ["start shop", "Missing <version>."],
    ["start shop v2 now", 'Unexpected argument "now".'],
    ["start shop v2 --force", 'Unknown option "--force".'],
    ["start shop v2;rm", '"v2;rm" is not a valid <version>'],
    ["start SHOP v2", '"SHOP" is not a valid <service>'],
    ["cancel shop", '"shop" is not a valid <run>'],
    ["audit", "Missing <run>."],
  ])("answers %j with the problem and starts nothing", async (text, expected) => {
    const answer = await h.migrate(text);
    expect(answer.status).toBe(200);
    expect(answer.text).toContain(expected);
    await expectNothingStarted();
  });

  it("tells an unknown service apart, naming the known ones", async () => {
    const answer = await h.migrate("start billing v2");
    expect(answer.text).toContain(
      'No service named "billing" (known: shop, inventory, stuck). Nothing was started.',
    );
    await expectNothingStarted();
  });

  it("refuses a start from a channel the service does not allow", async () => {
    const answer = await h.migrate("start shop v2", ALICE, OTHER_CHANNEL);
    expect(answer.text).toContain("`/migrate` for shop works in <#C0SHOP>, <#C0OPS>, not here");
    await expectNothingStarted();
  });

  it("refuses a start by someone who is not a starter", async () => {
    const answer = await h.migrate("start shop v2", EVE);
    expect(answer.text).toContain("<@U0EVE> may not start runs of shop");
    await expectNothingStarted();
  });

  it("answers an unknown command instead of timing out", async () => {
    const body = slashCommandBody({
      text: "x",
      user: ALICE,
      channel: "C0SHOP",
      responseUrl: h.fake.responseUrl("x"),
      command: "/deploy",
    });
    const answer = await h.send(body);
    expect(answer.json?.text).toContain('phasegate does not know "/deploy"');
  });

  it("acks a click on a button it has no handler for (a message of another version), and does nothing", async () => {
    const body = blockActionsBody({
      user: ALICE,
      channel: "C0SHOP",
      messageTs: "1.000001",
      actionId: "phasegate_retired_button",
      value: "{}",
      responseUrl: h.fake.responseUrl("retired"),
    });
    expect(await h.send(body)).toMatchObject({ status: 200, text: "" });
    // The approve button still reaches its handler behind the same listener: a value it cannot read is answered.
    const approve = await h.click(APPROVE_ACTION, "not json", ALICE);
    expect(approve.text).toContain("This button carries no run I can read");
    expect(h.fake.responses.filter((r) => r.key === "retired")).toEqual([]);
    await expectNothingStarted();
  });

  it("previews the plan of examples/shop: phases, verdicts, the approval summary", async () => {
    const answer = await h.migrate("plan shop v2", CAROL, OPS_CHANNEL);
    expect(answer.text).toContain("Plan for shop v2");
    expect(answer.all).toContain("*1. expand*");
    expect(answer.all).toContain("manage.py migrate catalog 0002_product_is_active");
    expect(answer.all).toContain("*5. contract*");
    expect(answer.all).toContain("drop column catalog_product.is_enabled");
    expect(answer.all).toContain("→ *contract*");
    await expectNothingStarted();
  });

  it("answers start --dry-run with the plan and starts nothing", async () => {
    const answer = await h.migrate("start shop v2 --dry-run", BOB);
    expect(answer.text).toContain("Plan for shop v2");
    expect(answer.all).toContain("*4. approval*");
    await expectNothingStarted();
  });

  it("refuses the inventory release with the recipe to split it", async () => {
    const answer = await h.migrate("start inventory v2");
    expect(answer.text).toContain("cannot roll out safely");
    expect(answer.all).toContain("(Rename field qty on stock to quantity) is unsafe");
    expect(answer.all).toContain("      • Release 3 (contract): stop writing");
    await expectNothingStarted();
  });

  it("answers status, list and audit of runs that do not exist", async () => {
    expect((await h.migrate("status shop-99")).text).toContain(
      "No run shop-99 (finished runs are kept 90 days).",
    );
    expect((await h.migrate("audit shop-99")).text).toContain(
      "No run shop-99 (finished runs are kept 90 days).",
    );
    expect((await h.migrate("cancel shop-99")).text).toContain(
      "No run shop-99 (finished runs are kept 90 days).",
    );
    expect((await h.migrate("status")).text).toContain("Active runs (0)");
    expect((await h.migrate("list nosuch")).text).toContain('No service named "nosuch"');
  });

  it("answers reads only where writes are taken: status, list and audit stay in the service's channels", async () => {
    for (const text of ["status", "list", "list shop", "status shop-99", "audit shop-99"]) {
      const answer = await h.migrate(text, ALICE, OTHER_CHANNEL);
      expect(answer.text).not.toMatch(/Active runs|Latest runs/);
    }
    expect((await h.migrate("list", ALICE, OTHER_CHANNEL)).text).toContain(
      "No service is run from this channel",
    );
    expect((await h.migrate("list shop", ALICE, OTHER_CHANNEL)).text).toContain("works in <#C0SHOP>");
    expect((await h.migrate("list", ALICE, OPS_CHANNEL)).text).toContain("Latest runs");
  });
});

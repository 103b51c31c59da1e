import { webApi } from "@slack/bolt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoadedServices } from "../../../src/config/load-services.js";
import { serviceSchema } from "../../../src/config/services-schema.js";
import { type NotificationRef, type Run, type RunEvent, SYSTEM_ACTOR } from "../../../src/domain/run/run.js";
import type { RunChange } from "../../../src/ports/notifier.js";
import { Coalescer } from "../../../src/slack/outbound/coalescer.js";
import { SlackNotifier } from "../../../src/slack/outbound/slack-notifier.js";
import { SlackUsergroupDirectory } from "../../../src/slack/outbound/slack-usergroup-directory.js";
import { SlackFake } from "../../../src/slack-emulator/index.js";
import { logger } from "../../../src/telemetry/pino-logger.js";
import { replay, shopRun } from "../../../testkit/plans.js";

const TOKEN = "xoxb-notifier";
let fake: SlackFake;
let client: webApi.WebClient;

function services(channel: string): LoadedServices {
  const shop = serviceSchema.parse({
    project: { path: "." },
    deployer: { kind: "command", command: ["true"] },
    rollout: { kind: "command", command: ["true"] },
    slack: { channel },
    access: { approvers: { users: ["U0BOB"], usergroups: ["S0DBA"] } },
  });
  return { file: "services.yaml", baseDir: ".", services: { shop } };
}

function notifierFor(
  channel: string,
  attached: Array<{ runId: string; notification: NotificationRef }> = [],
) {
  return new SlackNotifier({
    client,
    services: services(channel),
    logger,
    cards: {
      attachCard: async (runId, notification) => {
        attached.push({ runId, notification });
      },
      attachGateMessage: async () => undefined,
    },
  });
}

/** The changes of a run going through `events`, one second apart, as the engine announces them. */
function changes(run: Run, events: RunEvent[]): RunChange[] {
  return [{ before: null, after: run, event: null, actor: SYSTEM_ACTOR }, ...replay(run, events)];
}

const toGate: RunEvent[] = [
  { type: "step-started", step: 0 },
  { type: "step-succeeded", step: 0 },
  { type: "step-started", step: 1 },
  { type: "step-succeeded", step: 1 },
  { type: "step-started", step: 2 },
  ...Array.from(
    { length: 20 },
    (_, i): RunEvent => ({ type: "rollout-progress", step: 2, message: `${i} of 20 ready` }),
  ),
  { type: "step-succeeded", step: 2 },
];

beforeAll(async () => {
  fake = await new SlackFake({ token: TOKEN, channels: ["C0SHOP"] }).start();
  client = new webApi.WebClient(TOKEN, { slackApiUrl: fake.apiUrl });
});

afterAll(async () => {
  await fake.stop();
});

describe("SlackNotifier", () => {
  it("posts one card, records where it is, coalesces its updates and always sends the last state", async () => {
    const attached: Array<{ runId: string; notification: NotificationRef }> = [];
    const notifier = notifierFor("C0SHOP", attached);
    const run = shopRun({ id: "shop-11", requester: "U0ALICE" });
    for (const change of changes(run, toGate)) await notifier.notify(change);
    await notifier.flush();
    expect(attached).toEqual([
      { runId: "shop-11", notification: { channel: "C0SHOP", ts: expect.any(String) } },
    ]);
    const [card, ...others] = fake.history("C0SHOP").filter((m) => !m.thread_ts);
    expect(others).toEqual([]);
    const updates = fake.callsOf("chat.update").filter((c) => c.args.ts === card?.ts);
    // 25 changes after the post: the first update goes at once, the rest wait and collapse into the last one.
    expect(updates.length).toBeLessThanOrEqual(2);
    expect(JSON.stringify(card?.blocks)).toContain("Awaiting approval");
    const replies = fake.replies("C0SHOP", card?.ts ?? "").map((m) => m.text ?? "");
    // Rollout progress at most every 30 s: of 20 polls in a burst, the first is told.
    expect(replies.filter((t) => t.includes("Rollout:"))).toEqual([
      ":hourglass_flowing_sand: Rollout: 0 of 20 ready",
    ]);
    expect(replies.at(-1)).toContain("Approval needed");
    expect(replies.at(-1)).toContain("<@U0BOB> <!subteam^S0DBA>");
  });

  it("retries rate-limited calls (Retry-After) and drops nothing", async () => {
    const notifier = notifierFor("C0SHOP");
    const run = shopRun({ id: "shop-12", requester: "U0ALICE" });
    const all = changes(run, toGate.slice(0, 4));
    fake.rateLimitNext("chat.postMessage", 1, 2);
    for (const change of all) await notifier.notify(change);
    await notifier.flush();
    const card = fake.history("C0SHOP").find((m) => !m.thread_ts && m.text?.includes("shop-12"));
    expect(fake.calls.filter((c) => c.answer.error === "ratelimited")).toHaveLength(2);
    const replies = fake.replies("C0SHOP", card?.ts ?? "").map((m) => m.text ?? "");
    expect(replies).toHaveLength(4);
    expect(replies[0]).toContain("Step 1/5 (Apply 1 expand migration) started");
    expect(replies[3]).toContain("Step 2/5 (Deploy the new code) finished");

    fake.rateLimitNext("chat.update", 1);
    const [last] = changes(all.at(-1)?.after ?? run, [{ type: "step-started", step: 2 }]).slice(1);
    if (!last) throw new Error("no change");
    await notifier.notify(last);
    await notifier.flush();
    expect(JSON.stringify(fake.message("C0SHOP", card?.ts ?? "")?.blocks)).toContain(
      "Waiting for the rollout",
    );
  });

  it("lets another replica update the card and reply in its thread from the place stored with the run", async () => {
    const first = notifierFor("C0SHOP");
    const [created, ...rest] = changes(shopRun({ id: "shop-14", requester: "U0ALICE" }), toGate.slice(0, 2));
    if (!created) throw new Error("no change");
    await first.notify(created);
    await first.flush();
    const card = fake.history("C0SHOP").find((m) => !m.thread_ts && m.text?.includes("shop-14"));
    if (!card) throw new Error("no card posted");
    const replica = notifierFor("C0SHOP");
    for (const change of rest) {
      const notification = { channel: "C0SHOP", ts: card.ts };
      await replica.notify({ ...change, after: { ...change.after, notification } });
    }
    await replica.flush();
    expect(fake.history("C0SHOP").filter((m) => !m.thread_ts && m.text?.includes("shop-14"))).toHaveLength(1);
    expect(fake.replies("C0SHOP", card.ts).map((m) => m.text)).toEqual([
      expect.stringContaining("Step 1/5 (Apply 1 expand migration) started"),
      expect.stringContaining("Step 1/5 (Apply 1 expand migration) finished"),
    ]);
    expect(JSON.stringify(fake.message("C0SHOP", card.ts)?.blocks)).toContain(
      ":white_check_mark: done in 1.0 s",
    );
  });

  it("logs a channel Slack does not know and never throws into the engine", async () => {
    const notifier = notifierFor("C0GONE");
    const before = fake.calls.length;
    for (const change of changes(shopRun({ id: "shop-13" }), toGate.slice(0, 2)))
      await notifier.notify(change);
    await notifier.flush();
    const calls = fake.calls.slice(before);
    expect(calls.map((c) => [c.method, c.answer.error])).toEqual([["chat.postMessage", "channel_not_found"]]);
  });
});

describe("Coalescer", () => {
  it("sends the first value at once and the last one after the interval, nothing in between", async () => {
    const sent: Array<{ value: number; at: number }> = [];
    const coalescer = new Coalescer<number>({
      intervalMs: 1000,
      send: async (_key, value) => {
        sent.push({ value, at: Date.now() });
      },
    });
    for (let i = 1; i <= 100; i++) coalescer.push("run", i);
    await coalescer.flush();
    expect(sent.map((s) => s.value)).toEqual([1, 100]);
    expect((sent[1]?.at ?? 0) - (sent[0]?.at ?? 0)).toBeGreaterThanOrEqual(990);
  });

  it("keeps the newest by the given order when values arrive out of order", async () => {
    const sent: number[] = [];
    const coalescer = new Coalescer<number>({
      intervalMs: 50,
      newer: (candidate, current) => candidate >= current,
      send: async (_key, value) => {
        sent.push(value);
      },
    });
    coalescer.push("run", 1);
    coalescer.push("run", 5);
    coalescer.push("run", 3);
    await coalescer.flush();
    expect(sent).toEqual([1, 5]);
  });
});

describe("SlackUsergroupDirectory", () => {
  it("asks Slack once per group within the TTL, again after it, and grants nothing for an unknown group", async () => {
    fake.setUsergroup("S0DBA", ["U0CAROL"]);
    let now = 0;
    const directory = new SlackUsergroupDirectory(client, logger, {
      ttlMs: 60_000,
      now: () => new Date(now),
    });
    const before = fake.callsOf("usergroups.users.list").length;
    expect(await Promise.all([directory.members("S0DBA"), directory.members("S0DBA")])).toEqual([
      ["U0CAROL"],
      ["U0CAROL"],
    ]);
    fake.setUsergroup("S0DBA", ["U0CAROL", "U0DAN"]);
    expect(await directory.members("S0DBA")).toEqual(["U0CAROL"]);
    now = 60_001;
    expect(await directory.members("S0DBA")).toEqual(["U0CAROL", "U0DAN"]);
    expect(fake.callsOf("usergroups.users.list").length - before).toBe(2);
    expect(await directory.members("S0NOPE")).toEqual([]);
  });
});

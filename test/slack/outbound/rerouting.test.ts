import { webApi } from "@slack/bolt";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoadedServices } from "../../../src/config/load-services.js";
import { serviceSchema } from "../../../src/config/services-schema.js";
import { type NotificationRef, type Run, type RunEvent, SYSTEM_ACTOR } from "../../../src/domain/run/run.js";
import type { RedisClient } from "../../../src/net/redis/connect.js";
import type { RunChange } from "../../../src/ports/notifier.js";
import { SlackNotifier } from "../../../src/slack/outbound/slack-notifier.js";
import { SlackUsergroupDirectory } from "../../../src/slack/outbound/slack-usergroup-directory.js";
import { SlackFake, type StoredMessage } from "../../../src/slack-emulator/index.js";
import { RedisNotificationOutbox } from "../../../src/store/redis-notification-outbox.js";
import { replay, shopRun, TO_THE_GATE } from "../../../testkit/plans.js";
import { connectRedis, deleteKeys, uniquePrefix } from "../../../testkit/redis.js";
import { sample } from "../../ship/samples.js";

const TOKEN = "xoxb-rerouting";
const CHANNELS = ["C0DEL", "C0GATE", "C0ARCH", "C0KICK", "C0GONE", "C0BOX", "C0LEFT"];
const prefix = uniquePrefix("reroute");
let fake: SlackFake;
let client: webApi.WebClient;
let redis: RedisClient;
/** What the notifier logged at warn and above. */
const logged: Array<Record<string, unknown>> = [];
const logger = pino({ level: "warn" }, { write: (line: string) => logged.push(JSON.parse(line)) });
const warned = (msg: string, runId: string) =>
  logged.filter((l) => l.level === 40 && l.msg === msg && l.runId === runId);

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

function notifierFor(channel: string, attached: NotificationRef[] = [], outbox?: RedisNotificationOutbox) {
  return new SlackNotifier({
    client,
    services: services(channel),
    logger,
    usergroups: new SlackUsergroupDirectory(client, logger),
    cards: {
      attachCard: async (_runId, card) => {
        attached.push(card);
      },
      attachGateMessage: async () => undefined,
    },
    updateIntervalMs: 10,
    ...(outbox ? { outbox, outboxRetryAfterMs: 0 } : {}),
  });
}

const toEnd: RunEvent[] = [
  ...TO_THE_GATE,
  { type: "approval-granted", gate: "contract", by: "U0BOB" },
  { type: "step-started", step: 4 },
  { type: "step-succeeded", step: 4 },
];

/** The run's changes from its creation through `events`, as the engine announces them. */
function changes(run: Run, events: RunEvent[]): RunChange[] {
  return [{ before: null, after: run, event: null, actor: SYSTEM_ACTOR }, ...replay(run, events)];
}

/** Each change told and delivered before the next, as changes seconds apart are. */
async function tell(notifier: SlackNotifier, told: RunChange[]): Promise<void> {
  for (const change of told) {
    await notifier.notify(change);
    await notifier.flush();
  }
}

const cardsIn = (channel: string) => fake.history(channel).filter((m) => !m.thread_ts);
const text = (m: StoredMessage | undefined) => JSON.stringify({ text: m?.text, blocks: m?.blocks });
/** The direct messages `user` got about one run. */
const directMessages = (user: string, runId: string) => {
  const channel = fake.directChannel(user);
  return channel
    ? fake
        .history(channel)
        .map(text)
        .filter((t) => t.includes(`*${runId}*`))
    : [];
};
const rerouted = async (error: string, route: string) =>
  (await sample("phasegate_slack_notifications_rerouted_total", { error, route })) ?? 0;

beforeAll(async () => {
  fake = await new SlackFake({ token: TOKEN, channels: CHANNELS }).start();
  fake.setUsergroup("S0DBA", ["U0CAROL"]);
  client = new webApi.WebClient(TOKEN, { slackApiUrl: fake.apiUrl });
  redis = connectRedis();
});

afterAll(async () => {
  await fake.stop();
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

describe("a run whose card was deleted (message_not_found)", () => {
  it("gets a fresh card, recorded with the run, where its updates, replies and completion are seen", async () => {
    const attached: NotificationRef[] = [];
    const notifier = notifierFor("C0DEL", attached);
    const [created, ...rest] = changes(shopRun({ id: "shop-21", requester: "U0ALICE" }), toEnd);
    if (!created) throw new Error("no change");
    await tell(notifier, [created]);
    const [deleted] = cardsIn("C0DEL");
    if (!deleted) throw new Error("no card");
    const before = await rerouted("message_not_found", "fresh-card");
    expect(fake.deleteMessage("C0DEL", deleted.ts)).toBe(true);

    await tell(notifier, rest);
    const [fresh, ...others] = cardsIn("C0DEL");
    expect(others).toEqual([]);
    expect(fresh?.ts).not.toBe(deleted.ts);
    expect(text(fresh)).toContain("Succeeded");
    expect(attached).toEqual([
      { channel: "C0DEL", ts: deleted.ts },
      { channel: "C0DEL", ts: fresh?.ts },
    ]);
    const thread = fake.replies("C0DEL", fresh?.ts ?? "").map((m) => m.text ?? "");
    expect(thread[0]).toContain("The card of *shop-21* was deleted: this one replaces it");
    expect(thread.some((t) => t.includes("Approval needed"))).toBe(true);
    expect(thread.at(-1)).toContain("<@U0ALICE> shop v42 is fully migrated");
    expect(await rerouted("message_not_found", "fresh-card")).toBe(before + 1);
    expect(directMessages("U0ALICE", "shop-21")).toEqual([]);
    expect(
      warned("the run's card was deleted: posted a fresh card, updates and replies go there", "shop-21"),
    ).toEqual([expect.objectContaining({ channel: "C0DEL", deleted: deleted.ts, card: fresh?.ts })]);
  });

  it("a gate message or reply refused under the deleted card goes under a fresh card", async () => {
    const notifier = notifierFor("C0GATE");
    const all = changes(shopRun({ id: "shop-22", requester: "U0ALICE" }), TO_THE_GATE);
    await tell(notifier, all.slice(0, -1));
    const [card] = cardsIn("C0GATE");
    if (!card) throw new Error("no card");
    fake.failNextMatching("chat.postMessage", "message_not_found", (args) => args.thread_ts === card.ts);
    await tell(notifier, all.slice(-1));
    const fresh = cardsIn("C0GATE").find((m) => m.ts !== card.ts);
    if (!fresh) throw new Error("no fresh card");
    expect(text(fresh)).toContain("Awaiting approval");
    const thread = fake.replies("C0GATE", fresh.ts).map(text);
    expect(thread[0]).toContain("was deleted: this one replaces it");
    expect(thread.some((t) => t.includes("Approval needed") && t.includes("<@U0BOB> <!subteam^S0DBA>"))).toBe(
      true,
    );
  });
});

describe("a run whose channel is lost", () => {
  it.each([
    ["is_archived", "C0ARCH", "the channel was archived", (c: string) => fake.archiveChannel(c)],
    ["not_in_channel", "C0KICK", "the bot was removed from the channel", (c: string) => fake.removeBot(c)],
    ["channel_not_found", "C0GONE", "the channel no longer exists", (c: string) => fake.deleteChannel(c)],
  ])(
    "(%s): the requester and every approver get one DM at the loss and one with the outcome",
    async (error, channel, why, lose) => {
      const notifier = notifierFor(channel);
      const all = changes(shopRun({ id: `shop-${channel}`, requester: "U0ALICE" }), toEnd);
      const atGate = TO_THE_GATE.length; // the change that opens the gate
      await tell(notifier, all.slice(0, atGate));
      const before = await rerouted(error, "direct-message");
      lose(channel);
      await tell(notifier, all.slice(atGate));

      for (const user of ["U0ALICE", "U0BOB", "U0CAROL"]) {
        const [atLoss, outcome, ...more] = directMessages(user, `shop-${channel}`);
        expect(more).toEqual([]);
        expect(atLoss).toContain(`can no longer post about *shop-${channel}* in <#${channel}>: ${why}`);
        expect(atLoss).toContain("Awaiting approval");
        expect(atLoss).toContain(`/migrate approve shop-${channel}`);
        expect(outcome).toContain("Succeeded");
        expect(outcome).toContain("This is its outcome.");
      }
      expect(await rerouted(error, "direct-message")).toBe(before + 2);
      const told = warned(
        "the run's channel is lost: its requester and approvers told by DM",
        `shop-${channel}`,
      );
      expect(told.map((l) => [l.error, l.status, l.delivered])).toEqual([
        [error, "awaiting-approval", 3],
        [error, "succeeded", 3],
      ]);
    },
  );
});

describe("the reply outbox", () => {
  it("lets go of a reply its channel will never take, and its people are told instead", async () => {
    const outbox = new RedisNotificationOutbox(redis, prefix);
    const first = notifierFor("C0BOX", [], outbox);
    const all = changes(shopRun({ id: "shop-31", requester: "U0ALICE" }), TO_THE_GATE.slice(0, 2));
    await tell(first, all.slice(0, 2));
    fake.failNext("chat.postMessage", "internal_error", 3);
    await tell(first, all.slice(2));
    expect(await outbox.pending(10)).toHaveLength(1);

    // The channel is archived before any process posts the reply left behind; a restarted bot does not know the run.
    fake.archiveChannel("C0BOX");
    const restarted = notifierFor("C0BOX", [], outbox);
    restarted.repair([]);
    await fake.waitFor(() => directMessages("U0CAROL", "shop-31").length === 1);
    await restarted.flush();
    expect(await outbox.pending(10)).toEqual([]);
    const [told] = directMessages("U0BOB", "shop-31");
    expect(told).toContain("can no longer post about *shop-31* in <#C0BOX>: the channel was archived");
    expect(told).toContain("Step 1/5 (Apply 1 expand migration) finished");
    // Without the run, its requester is not known: the service's approvers are told.
    expect(directMessages("U0ALICE", "shop-31")).toEqual([]);
  });

  it("posts nothing twice and keeps nothing when the bot leaves a channel mid-run", async () => {
    const outbox = new RedisNotificationOutbox(redis, prefix);
    const notifier = notifierFor("C0LEFT", [], outbox);
    const all = changes(shopRun({ id: "shop-32", requester: "U0ALICE" }), TO_THE_GATE);
    await tell(notifier, all.slice(0, 2));
    fake.removeBot("C0LEFT");
    await tell(notifier, all.slice(2));
    expect(await outbox.pending(10)).toEqual([]);
    expect(directMessages("U0ALICE", "shop-32")).toHaveLength(1);
  });
});

import { webApi } from "@slack/bolt";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NotificationRef, type Run, SYSTEM_ACTOR } from "../../../src/domain/run/run.js";
import type { RunChange } from "../../../src/ports/notifier.js";
import { GATE_POST_GRACE_MS, SlackNotifier } from "../../../src/slack/outbound/slack-notifier.js";
import { SlackFake, type StoredMessage } from "../../../src/slack-emulator/index.js";
import { replay, shopRun, TO_THE_GATE } from "../../../testkit/plans.js";
import { shopServices } from "../../../testkit/shop-services.js";

const TOKEN = "xoxb-gate-repair";
const CHANNEL = "C0GATES";
let fake: SlackFake;
let client: webApi.WebClient;
/** How far the notifiers of this file are ahead of the real clock (set to put them at a moment). */
let ahead = 0;
const setClock = (at: number) => {
  ahead = at - Date.now();
};

const services = shopServices(CHANNEL);

/** A process's notifier (the bot's or a worker's); the gate messages it records go to `recorded`. */
function notifierOfAProcess(recorded: NotificationRef[]): SlackNotifier {
  return new SlackNotifier({
    client,
    services,
    logger: pino({ level: "silent" }),
    cards: {
      attachCard: async () => undefined,
      attachGateMessage: async (_runId, _gate, message) => {
        recorded.push(message);
      },
    },
    updateIntervalMs: 10,
    now: () => new Date(Date.now() + ahead),
  });
}

/** A run told to `opener` up to the change that opens its gate, which is returned (as stored, with its card). */
async function upToTheGate(
  runId: string,
  opener: SlackNotifier,
): Promise<{ opening: RunChange; atGate: Run }> {
  // Created now: the notifiers' clock only moves forward, as a real one does.
  const run = shopRun({ id: runId, requester: "U0ALICE", createdAt: new Date().toISOString() });
  const told = [{ before: null, after: run, event: null, actor: SYSTEM_ACTOR }, ...replay(run, TO_THE_GATE)];
  const opening = told.pop();
  if (!opening) throw new Error("no change");
  for (const change of told) {
    await opener.notify(change);
    await opener.flush();
  }
  const card = fake.history(CHANNEL).find((m) => !m.thread_ts && (m.text ?? "").includes(`(${runId})`));
  if (!card) throw new Error(`no card for ${runId}`);
  return { opening, atGate: { ...opening.after, notification: { channel: CHANNEL, ts: card.ts } } };
}

const text = (m: StoredMessage) => JSON.stringify({ text: m.text, blocks: m.blocks });
const approvalMessages = (run: Run) =>
  fake.replies(CHANNEL, run.notification?.ts ?? "").filter((m) => text(m).includes("Approval needed"));
const openedAt = (run: Run) => Date.parse(run.steps[run.currentStep]?.startedAt ?? "");

beforeAll(async () => {
  fake = await new SlackFake({ token: TOKEN, channels: [CHANNEL] }).start();
  client = new webApi.WebClient(TOKEN, { slackApiUrl: fake.apiUrl });
});

afterAll(async () => {
  await fake.stop();
});

describe("the approval message of a gate, with the bot and the worker in two processes", () => {
  it("is posted once: the bot, seeing the gate open and no message recorded yet, leaves it to the worker", async () => {
    const byWorker: NotificationRef[] = [];
    const byBot: NotificationRef[] = [];
    const worker = notifierOfAProcess(byWorker);
    const bot = notifierOfAProcess(byBot);
    const { opening, atGate } = await upToTheGate("shop-41", worker);

    // The bot's check of the runs in flight reads the run between the gate's opening and the worker's record.
    setClock(openedAt(atGate) + 1000);
    bot.repair([atGate]);
    await bot.flush();
    await worker.notify(opening);
    await worker.flush();

    const [only, ...more] = approvalMessages(atGate);
    expect(more).toEqual([]);
    expect(byWorker).toEqual([{ channel: CHANNEL, ts: only?.ts }]);
    expect(byBot).toEqual([]);
  });

  it("is posted by the bot once the gate has waited the grace without one (its worker died before posting)", async () => {
    const byBot: NotificationRef[] = [];
    const bot = notifierOfAProcess(byBot);
    const { atGate } = await upToTheGate("shop-42", notifierOfAProcess([]));

    setClock(openedAt(atGate) + GATE_POST_GRACE_MS - 1000);
    bot.repair([atGate]);
    await bot.flush();
    expect(approvalMessages(atGate)).toEqual([]);

    setClock(openedAt(atGate) + GATE_POST_GRACE_MS);
    bot.repair([atGate]);
    await bot.flush();
    const [posted, ...more] = approvalMessages(atGate);
    expect(more).toEqual([]);
    expect(posted?.broadcast).toBe(true);
    expect(byBot).toEqual([{ channel: CHANNEL, ts: posted?.ts }]);
  });
});

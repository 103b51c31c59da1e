import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JOB_GATE_REMINDER, STEP_QUEUE } from "../../src/queue/jobs.js";
import { APPROVE_ACTION } from "../../src/slack/blocks/approval.js";
import type { StoredMessage } from "../../src/slack-emulator/index.js";
import { storeKeys } from "../../src/store/keys.js";
import { runIdIn } from "../../testkit/run-ids.js";
import {
  ALICE,
  BOB,
  CAROL,
  SHOP_CHANNEL,
  type SlackHarness,
  startSlackHarness,
} from "../../testkit/slack-setup.js";

const LEADS = "S0LEADS";

let h: SlackHarness;
let queue: Queue;

beforeAll(async () => {
  h = await startSlackHarness("slackremind", {
    withWorker: true,
    extraServices: {
      nudge: {
        keys: {
          reminders: {
            remindAfterSeconds: 1,
            remindEverySeconds: 1,
            escalateAfterSeconds: 2,
            escalateTo: LEADS,
          },
        },
      },
    },
  });
  queue = new Queue(STEP_QUEUE, { connection: h.redis, prefix: storeKeys(h.prefix).bull() });
});

afterAll(async () => {
  await queue?.close();
  await h?.close();
});

async function waitForDelayedReminder(): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await queue.getDelayed()).some((job) => job.name === JOB_GATE_REMINDER)) {
    if (Date.now() > deadline) throw new Error("no reminder is waiting in the queue");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const replies = (card: StoredMessage) => h.fake.replies(SHOP_CHANNEL, card.ts).map((m) => m.text ?? "");

describe("reminders and escalation of a waiting gate", () => {
  it("reminds the approvers in the thread and by direct message, escalates, and stops once decided", async () => {
    const nudgeRun = runIdIn((await h.migrate("start nudge v2", ALICE)).text, "nudge");
    const run = await h.waitForRun(
      nudgeRun,
      (r) => r.status === "awaiting-approval" && r.notification !== null,
    );
    const card = await h.fake.waitFor(() => h.fake.message(SHOP_CHANNEL, run.notification?.ts ?? ""));

    const first = await h.fake.waitFor(() =>
      replies(card).find((t) => t.startsWith(":alarm_clock: Reminder:")),
    );
    expect(first).toContain(`<@${BOB}> <@${CAROL}>`);
    expect(first).not.toContain(`<@${ALICE}>`);
    for (const user of [BOB, CAROL]) {
      const dm = await h.fake.waitFor(() => {
        const channel = h.fake.directChannel(user);
        return channel ? h.fake.history(channel).at(0) : undefined;
      });
      expect(dm.text).toContain(`(${nudgeRun}) waits for your approval`);
      expect(dm.text).toContain(`\`/migrate approve ${nudgeRun}\``);
    }
    expect(h.fake.directChannel(ALICE)).toBeUndefined();
    await h.fake.waitFor(() => replies(card).find((t) => t.startsWith(":alarm_clock: Reminder 2:")));
    const escalation = await h.fake.waitFor(() =>
      replies(card).find((t) => t.startsWith(":rotating_light:")),
    );
    expect(escalation).toContain(`<!subteam^${LEADS}>, please decide`);

    const gate = await h.fake.waitFor(() =>
      h.fake.replies(SHOP_CHANNEL, card.ts).find((m) => (m.text ?? "").startsWith("Approval needed")),
    );
    const actions = gate.blocks?.find((b) => b.type === "actions") as { elements: Array<{ value: string }> };
    // The next reminder is due within a second: the decision removes it from the queue.
    await waitForDelayedReminder();
    await h.click(APPROVE_ACTION, actions.elements[0]?.value ?? "", BOB, gate.ts);
    expect((await queue.getDelayed()).filter((job) => job.name === JOB_GATE_REMINDER)).toEqual([]);
    await h.waitForRun(nudgeRun, (r) => r.status === "succeeded");
    const reminders = replies(card).filter((t) => t.startsWith(":alarm_clock:")).length;
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(replies(card).filter((t) => t.startsWith(":alarm_clock:"))).toHaveLength(reminders);
  });
});

import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BullStepQueue } from "../../src/queue/bull-step-queue.js";
import { STEP_QUEUE } from "../../src/queue/jobs.js";
import { storeKeys } from "../../src/store/keys.js";
import { shopRun } from "../../testkit/plans.js";
import { connectRedis, deleteKeys, uniquePrefix } from "../../testkit/redis.js";

const redis = connectRedis();
const prefix = uniquePrefix("bullqueue");
let queue: BullStepQueue;
let raw: Queue;

beforeAll(() => {
  queue = new BullStepQueue(redis, storeKeys(prefix).bull());
  raw = new Queue(STEP_QUEUE, { connection: redis, prefix: storeKeys(prefix).bull() });
});

afterAll(async () => {
  await queue.close();
  await raw.close();
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

const HOUR = 3_600_000;

describe("removing the reminders of a decided gate", () => {
  it("removes that run's reminders and escalation only: another run's, and the gate's expiry, stay", async () => {
    const decided = { ...shopRun({ id: "shop-mk1-1" }), currentStep: 3 };
    // Its id starts with the decided run's: a prefix is not enough to be that run's.
    const other = { ...shopRun({ id: "shop-mk1-10" }), currentStep: 3 };
    for (const run of [decided, other]) {
      await queue.scheduleGateReminder(run, { kind: "reminder", count: 2 }, HOUR);
      await queue.scheduleGateReminder(run, { kind: "escalation", count: 1 }, HOUR);
      await queue.scheduleApprovalTimeout(run, HOUR);
    }

    await queue.cancelGateReminders(decided.id);

    const left = (await raw.getDelayed()).map((job) => job.id).sort();
    expect(left).toEqual([
      "shop-mk1-1.3.0.expiry",
      "shop-mk1-10.3.0.expiry",
      "shop-mk1-10.3.0.remind.escalation.1",
      "shop-mk1-10.3.0.remind.reminder.2",
    ]);
  });
});

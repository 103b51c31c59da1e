import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WEEKDAYS } from "../../src/domain/run/change-windows.js";
import { runIdIn } from "../../testkit/run-ids.js";
import {
  ALICE,
  BOB,
  EVE,
  SHOP_CHANNEL,
  type SlackHarness,
  startSlackHarness,
} from "../../testkit/slack-setup.js";

/** Time to start the harness and bring a run to its gate, with room for a loaded machine. */
const OPENS_IN_MS = 25_000;
const CONTRACT = 4;

let h: SlackHarness;
let opensAt: Date;

/** "HH:MM:SS" of an instant, in UTC. */
const clockOf = (at: Date) => at.toISOString().slice(11, 19);

beforeAll(async () => {
  opensAt = new Date(Math.ceil((Date.now() + OPENS_IN_MS) / 1000) * 1000);
  const closesAt = new Date(opensAt.getTime() + 30 * 60_000);
  // Near midnight the window crosses it: it opens on the day of its start and closes the next day.
  const window = {
    days: [WEEKDAYS[opensAt.getUTCDay()]],
    start: clockOf(opensAt),
    end: clockOf(closesAt),
    timeZone: "UTC",
  };
  h = await startSlackHarness("slackwindow", {
    withWorker: true,
    extraServices: { nightly: { keys: { windows: [window] } } },
  });
});

afterAll(async () => {
  await h?.close();
});

describe("change windows", () => {
  it("holds a contract approved before its window, says when it opens, and runs it once it opens", async () => {
    const weekday = WEEKDAYS[opensAt.getUTCDay()] ?? "";
    const opens = `opens ${weekday[0]?.toUpperCase()}${weekday.slice(1)} ${clockOf(opensAt)} UTC`;
    const preview = await h.migrate("plan nightly v2", ALICE);
    expect(preview.all).toContain(
      `The contract phase starts only within the change windows (${weekday} ${clockOf(opensAt)}–`,
    );
    expect(preview.all).toContain(`UTC): the next ${opens}.`);

    const runId = runIdIn((await h.migrate("start nightly v2", ALICE)).text, "nightly");
    const gate = await h.waitForRun(
      runId,
      (r) => r.status === "awaiting-approval" && r.notification !== null,
    );
    expect((await h.migrate(`approve ${runId}`, BOB)).text).toContain("Your approval");
    const approvedAt = Date.now();
    const held = await h.waitForRun(runId, (r) => Boolean(r.steps[CONTRACT]?.message));
    // Otherwise the machine was too slow for OPENS_IN_MS, and the run had no window to wait for.
    expect(approvedAt).toBeLessThan(opensAt.getTime());
    expect(held.steps[CONTRACT]).toMatchObject({
      status: "pending",
      message: `contract waits for the change window: ${opens}`,
    });

    const card = () => JSON.stringify(h.fake.message(SHOP_CHANNEL, gate.notification?.ts ?? "")?.blocks);
    await h.fake.waitFor(() => card().includes(`contract waits for the change window: ${opens}`));
    const list = await h.migrate("list nightly", EVE);
    expect(list.all).toContain(`:double_vertical_bar: contract waits for the change window: ${opens}`);

    const done = await h.waitForRun(runId, (r) => r.status === "succeeded");
    const started = Date.parse(done.steps[CONTRACT]?.startedAt ?? "");
    expect(started).toBeGreaterThanOrEqual(opensAt.getTime());
    const thread = h.fake.replies(SHOP_CHANNEL, gate.notification?.ts ?? "").map((m) => m.text ?? "");
    expect(thread.filter((t) => t.includes("contract waits for the change window"))).toHaveLength(1);
    expect(thread.some((t) => t.startsWith(":arrow_forward: Step 5/5") && t.includes("started"))).toBe(true);
  }, 90_000);
});

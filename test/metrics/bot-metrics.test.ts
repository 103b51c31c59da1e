import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runIdIn } from "../../testkit/run-ids.js";
import { SHOP_CHANNEL, type SlackHarness, startSlackHarness } from "../../testkit/slack-setup.js";

let h: SlackHarness;

beforeAll(async () => {
  h = await startSlackHarness("ship_bot_metrics", { withWorker: false });
});

afterAll(() => h.close());

async function scrape(): Promise<string> {
  const answer = await fetch(new URL("/metrics", h.url));
  expect(answer.status).toBe(200);
  expect(answer.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return answer.text();
}

describe("the bot's /metrics", () => {
  it("shows runs, the step queue, failed Slack calls and the process, as Prometheus scrapes them", async () => {
    const before = await scrape();
    expect(before).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(before).toContain('phasegate_queue_jobs{state="waiting"} 0');

    h.fake.failNext("chat.postMessage", "channel_not_found");
    const answer = await h.migrate("start shop v2");
    expect(runIdIn(answer.text, "shop")).toMatch(/^shop-/);

    const after = await scrape();
    expect(after).toContain('phasegate_runs_started_total{service="shop",start="new"} 1');
    // The refused card holds the first step back; the bot posts the card again, then the step is queued (no
    // worker runs in this process, so it waits there).
    expect(after).toContain('phasegate_queue_jobs{state="waiting"} 0');
    await h.fake.waitFor(() => h.fake.history(SHOP_CHANNEL).some((m) => !m.thread_ts));
    const deadline = Date.now() + 20_000;
    while (!(await scrape()).includes('phasegate_queue_jobs{state="waiting"} 1')) {
      if (Date.now() > deadline) throw new Error("the first step was never queued after the card was posted");
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(after).toContain(
      'phasegate_slack_api_errors_total{method="chat.postMessage",error="channel_not_found"} 1',
    );
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SlackHarness, startSlackHarness } from "../../testkit/slack-setup.js";

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
    expect(before).toMatch(/^phasegate_process_resident_memory_bytes \d+/m);
    expect(before).toContain('phasegate_queue_jobs{state="waiting"} 0');

    h.fake.failNext("chat.postMessage", "channel_not_found");
    const answer = await h.migrate("start shop v2");
    const runId = /shop-\d+/.exec(answer.text)?.[0];
    expect(runId, answer.text).toBeDefined();

    const after = await scrape();
    expect(after).toContain('phasegate_runs_started_total{service="shop",start="new"} 1');
    // No worker runs in this process: the run's first step waits in the queue.
    expect(after).toContain('phasegate_queue_jobs{state="waiting"} 1');
    expect(after).toContain(
      'phasegate_slack_api_errors_total{method="chat.postMessage",error="channel_not_found"} 1',
    );
  });
});

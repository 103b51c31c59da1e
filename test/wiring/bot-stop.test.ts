import { afterEach, describe, expect, it } from "vitest";
import { RedisRunStore } from "../../src/store/redis-run-store.js";
import { findDjangoPython } from "../../testkit/python.js";
import { ALICE, SHOP_CHANNEL, type SlackHarness, startSlackHarness } from "../../testkit/slack-setup.js";

let harness: SlackHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe.each(["http", "socket-mode"] as const)("a bot stopped with requests in flight (%s)", (transport) => {
  it("finishes a /migrate start it has acked before it stops: the run starts, its card is posted, its starter told", async () => {
    harness = await startSlackHarness(`stopbot_${transport.replace("-", "_")}`, {
      withWorker: false,
      transport,
    });
    const { fake, workspace } = harness;
    const typed = await workspace.command(ALICE, SHOP_CHANNEL, "start shop v2");
    expect(typed).toMatchObject({ acked: true, error: null });
    // The release is still being planned (Django reads it): the bot is told to stop right then.
    expect(fake.responses.find((r) => r.key === typed.key)).toBeUndefined();
    await harness.bot.stop();

    const answer = fake.responses.find((r) => r.key === typed.key);
    expect(String(answer?.body.text)).toMatch(/^:rocket: Started \*shop-/);
    const runs = await new RedisRunStore(harness.redis, harness.prefix).list({ limit: 10 });
    expect(runs.map((run) => run.service)).toEqual(["shop"]);
    expect(fake.callsOf("chat.postMessage").filter((call) => call.answer.ok)).toHaveLength(1);
  });
});

describe("a bot stopped with a request that does not finish in time", () => {
  it("stops once its drain limit has passed, and the start it cut short tells its starter and leaves no run", async () => {
    const python = findDjangoPython();
    harness = await startSlackHarness("stopbot_limit", {
      withWorker: false,
      drainLimitMs: 500,
      // Planning this service's release takes 3 s: Python starts late.
      extraServices: { slow: { python: ["sh", "-c", 'sleep 3; exec "$0" "$@"', python] } },
    });
    const { fake, workspace } = harness;
    const typed = await workspace.command(ALICE, SHOP_CHANNEL, "start slow v2");
    expect(typed.acked).toBe(true);
    const stopping = Date.now();
    await harness.bot.stop();
    expect(Date.now() - stopping).toBeLessThan(2500);
    expect(fake.responses.find((r) => r.key === typed.key)).toBeUndefined();

    const answer = await fake.waitFor(() => fake.responses.find((r) => r.key === typed.key), 10_000);
    expect(String(answer.body.text)).toContain(
      "phasegate was restarting and stopped before it had finished this",
    );
    const runs = await new RedisRunStore(harness.redis, harness.prefix).list({ limit: 10 });
    expect(runs).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APPROVE_ACTION } from "../../src/slack/blocks/approval.js";
import type { StoredMessage } from "../../src/slack-emulator/index.js";
import { RedisServer } from "../../testkit/redis-server.js";
import { runIdIn } from "../../testkit/run-ids.js";
import {
  ALICE,
  BOB,
  CAROL,
  OTHER_CHANNEL,
  SHOP_CHANNEL,
  type SlackHarness,
  startSlackHarness,
} from "../../testkit/slack-setup.js";

let redis: RedisServer;
let h: SlackHarness;

beforeAll(async () => {
  redis = await RedisServer.start();
  h = await startSlackHarness("redisoutage", { withWorker: true, redisUrl: redis.url, stateCheckMs: 300 });
}, 60_000);

afterAll(async () => {
  redis?.resume();
  await h?.close();
  await redis?.stop();
});

const text = (m: StoredMessage | undefined) => JSON.stringify({ text: m?.text, blocks: m?.blocks });

/** The approval message of a run (found in its card's thread) and the value its Approve button carries. */
async function gateOf(runId: string): Promise<{ message: StoredMessage; value: string }> {
  const run = await h.waitForRun(
    runId,
    (r) => r.status === "awaiting-approval" && Boolean(r.gateMessages.contract),
  );
  const ts = run.gateMessages.contract?.ts;
  const message = await h.fake.waitFor(() => h.fake.message(SHOP_CHANNEL, ts ?? ""));
  const actions = message.blocks?.find((b) => b.type === "actions") as { elements: Array<{ value: string }> };
  return { message, value: actions.elements[0]?.value ?? "" };
}

/** Runs `send` and returns what it answered and how long it took. */
async function timed<T>(send: () => Promise<T>): Promise<{ answer: T; ms: number }> {
  const started = Date.now();
  const answer = await send();
  return { answer, ms: Date.now() - started };
}

/**
 * A start sent right after Redis came back empty, while the bot reconnects and tells every channel what it lost. On
 * a machine short of CPU the replay check's 1.5 s can run out meanwhile: the user is told that Redis cannot be
 * reached, nothing is started, and they try again, as the answer tells them to.
 */
async function startAsTold(command: string, user: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const runsBefore = (await h.bot.engine.useCases.list({ limit: 100 })).map((r) => r.id);
    const answer = (await h.migrate(command, user)).text;
    if (!answer.includes("cannot reach Redis") || attempt === 3) return answer;
    expect((await h.bot.engine.useCases.list({ limit: 100 })).map((r) => r.id)).toEqual(runsBefore);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

describe("Redis faults as the Slack user sees them", () => {
  it("Redis restarted empty: every channel is told what was in flight, the old button approves nothing", async () => {
    const first = runIdIn((await h.migrate("start shop v2", BOB)).text, "shop");
    const old = await gateOf(first);
    const atGate = await h.run(first);

    // A valid button clicked from another channel: refused, audited, nothing changes.
    const elsewhere = await h.click(APPROVE_ACTION, old.value, CAROL, old.message.ts, OTHER_CHANNEL);
    expect(elsewhere.text).toContain(`did not come from the approval message of ${first}`);
    expect((await h.run(first)).revision).toBe(atGate.revision);
    expect((await h.bot.engine.useCases.audit(first))?.at(-1)).toMatchObject({
      actor: { id: CAROL },
      outcome: "refused",
    });

    await redis.restartEmpty();
    const lost = await h.fake.waitFor(
      () =>
        h.fake
          .history(SHOP_CHANNEL)
          .find((m) => !m.thread_ts && text(m).includes("phasegate lost its state")),
      30_000,
    );
    expect(text(lost)).toContain(first);
    expect(text(lost)).toContain("catalog.0002");
    expect(text(lost)).toContain("Awaiting approval");
    const cardTs = atGate.notification?.ts ?? "";
    await h.fake.waitFor(() =>
      h.fake.replies(SHOP_CHANNEL, cardTs).find((m) => (m.text ?? "").includes(`${first} was lost`)),
    );
    const metrics = await (await fetch(h.url.replace("/slack/events", "/metrics"))).text();
    expect(metrics).toMatch(/^phasegate_redis_state_lost_total [1-9]/m);

    // A new run never takes the lost run's id (a new generation); the old message's button is refused.
    const second = runIdIn(await startAsTold("start shop v3", ALICE), "shop");
    expect(second).not.toBe(first);
    const fresh = await gateOf(second);
    expect(fresh.message.ts).not.toBe(old.message.ts);
    const before = await h.run(second);
    const stale = await h.click(APPROVE_ACTION, old.value, CAROL, old.message.ts);
    expect(stale.text).toContain(`no run ${first}`);
    const after = await h.run(second);
    expect([after.revision, after.status, after.gates]).toEqual([before.revision, "awaiting-approval", []]);
    // The clicked old message is left alone, not rewritten with the new run's gate.
    expect(h.fake.responses.some((r) => r.body.replace_original === true)).toBe(false);

    // Fifty concurrent clicks on the real button: one approval, every other click refused or told it was decided.
    const clicks = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        h.click(APPROVE_ACTION, fresh.value, i % 2 === 0 ? CAROL : BOB, fresh.message.ts),
      ),
    );
    expect(clicks.every((c) => c.status === 200)).toBe(true);
    const done = await h.waitForRun(second, (r) => r.status === "succeeded");
    expect(done.gates).toHaveLength(1);
    const audit = (await h.bot.engine.useCases.audit(second)) ?? [];
    expect(audit.filter((e) => e.action === "approval-granted" && e.outcome === "applied")).toHaveLength(1);
  }, 240_000);

  it("Redis paused: commands and clicks are answered within 3 s saying so, and nothing runs once it is back", async () => {
    const runsBefore = await h.bot.engine.useCases.list({ limit: 100 });
    redis.pause();
    try {
      const start = await timed(() => h.migrate("start shop v4", ALICE));
      const list = await timed(() => h.migrate("list", ALICE));
      const click = await timed(() =>
        h.click(APPROVE_ACTION, JSON.stringify({ runId: "shop-1", gate: "contract", token: "x" }), CAROL),
      );
      for (const { answer, ms } of [start, list, click]) {
        expect(answer.text).toContain("phasegate cannot reach Redis");
        expect(ms).toBeLessThan(3000);
      }
      // /metrics answers without Redis; /readyz tells the operators what the users are told.
      const metrics = await timed(() => fetch(h.url.replace("/slack/events", "/metrics")));
      expect(metrics.answer.status).toBe(200);
      expect(metrics.ms).toBeLessThan(3000);
      const ready = await timed(() => fetch(h.url.replace("/slack/events", "/readyz")));
      expect([ready.answer.status, await ready.answer.text()]).toEqual([
        503,
        "not ready: Redis: no answer to PING within 2000 ms\n",
      ]);
      expect(ready.ms).toBeLessThan(3000);
    } finally {
      redis.resume();
    }
    // Redis is back: what was asked during the pause was not carried out late.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const runsAfter = await h.bot.engine.useCases.list({ limit: 100 });
    expect(runsAfter.map((r) => [r.id, r.revision])).toEqual(runsBefore.map((r) => [r.id, r.revision]));
    expect((await h.migrate("list", ALICE)).text).not.toContain("cannot reach Redis");
  }, 60_000);
});

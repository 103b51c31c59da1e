import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APPROVE_ACTION } from "../../src/slack/blocks/approval.js";
import type { StoredMessage } from "../../src/slack-emulator/index.js";
import { cliArgv } from "../../testkit/cli-entry.js";
import { redisUrl } from "../../testkit/redis.js";
import { repoRoot } from "../../testkit/run-cli.js";
import { runIdIn } from "../../testkit/run-ids.js";
import { ALICE, BOB, SHOP_CHANNEL, type SlackHarness, startSlackHarness } from "../../testkit/slack-setup.js";

let h: SlackHarness;
let worker: ChildProcess;

beforeAll(async () => {
  h = await startSlackHarness("slacksplit", { withWorker: false });
  worker = spawn(process.execPath, cliArgv("worker", "--services", h.servicesFile), {
    cwd: repoRoot,
    stdio: "ignore",
    env: {
      ...process.env,
      LOG_LEVEL: "silent",
      PHASEGATE_PREFIX: h.prefix,
      REDIS_URL: redisUrl,
      SLACK_BOT_TOKEN: "xoxb-test-token",
      SLACK_API_URL: h.fake.apiUrl,
    },
  });
});

afterAll(async () => {
  if (worker.exitCode === null) {
    worker.kill("SIGTERM");
    await once(worker, "exit");
  }
  await h?.close();
});

const text = (m: StoredMessage | undefined) => JSON.stringify({ text: m?.text, blocks: m?.blocks });

describe("bot and worker in separate processes", () => {
  it("shows the steps the worker process runs on the card the bot posted, and opens the gate there", async () => {
    const runId = runIdIn((await h.migrate("start shop v2", ALICE)).text, "shop");
    const card = await h.fake.waitFor(() => h.fake.history(SHOP_CHANNEL).find((m) => !m.thread_ts));
    const gate = await h.fake.waitFor(
      () => h.fake.replies(SHOP_CHANNEL, card.ts).find((m) => text(m).includes("Approval needed")),
      90_000,
    );
    const replies = h.fake.replies(SHOP_CHANNEL, card.ts).map((m) => m.text ?? "");
    expect(replies.some((t) => t.includes("Step 1/5 (Apply 1 expand migration) finished"))).toBe(true);
    await h.fake.waitFor(() => text(h.fake.message(SHOP_CHANNEL, card.ts)).includes("Awaiting approval"));

    const actions = gate.blocks?.find((b) => b.type === "actions") as { elements: Array<{ value: string }> };
    const approved = await h.click(APPROVE_ACTION, actions.elements[0]?.value ?? "", BOB, gate.ts);
    expect(approved.all).toContain(`Approved by <@${BOB}>`);
    await h.waitForRun(runId, (r) => r.status === "succeeded");
    await h.fake.waitFor(() => text(h.fake.message(SHOP_CHANNEL, card.ts)).includes("Succeeded"), 30_000);
    await h.fake.waitFor(
      () => h.fake.replies(SHOP_CHANNEL, card.ts).some((m) => m.text?.includes("is fully migrated")),
      30_000,
    );
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Run } from "../../src/domain/run/run.js";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/sandbox.js";
import { STORY_CHANNEL } from "../../src/sandbox/story.js";
import { logger } from "../../src/telemetry/pino-logger.js";
import { sourcePageModules } from "../../testkit/page-modules.js";
import { pg } from "../../testkit/postgres.js";
import { findDjangoPython } from "../../testkit/python.js";
import { redisUrl } from "../../testkit/redis.js";

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox({
    host: "127.0.0.1",
    accessToken: null,
    port: 0,
    socketMode: false,
    servicesFile: null,
    redisUrl,
    databaseUrl: `postgres://${pg.user}@${pg.host}:${pg.port}/postgres`,
    python: async () => findDjangoPython(),
    replicas: 2,
    pauseMs: 5,
    slotPauseMs: 300,
    logger,
    pageModules: sourcePageModules,
  });
}, 120_000);

afterAll(async () => {
  await sandbox?.stop();
});

async function post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${sandbox.url}${path.slice(1)}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function waitForRun(until: (run: Run) => boolean, what: string): Promise<Run> {
  const deadline = Date.now() + 240_000;
  for (;;) {
    const [run] = await sandbox.bot.engine.useCases.list({ limit: 1 });
    if (run && until(run)) return run;
    if (Date.now() > deadline) throw new Error(`the run never got ${what}: ${run?.status} ${run?.outcome}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe("the sandbox's analysis gate, with Prometheus scraping the story's fleet", () => {
  it("Break v3: the v3 run's analysis fails with the error rate, and the gate never offers Approve", async () => {
    const requester = sandbox.directory.people[0]?.id ?? "";
    expect((await post("/api/story/break-v3", {})).body).toEqual({ broken: "v3" });
    const typed = await post("/api/command", {
      user: requester,
      channel: STORY_CHANNEL,
      text: "/migrate start shop v3",
    });
    expect(typed.body).toMatchObject({ acked: true });
    const failed = await waitForRun((run) => run.status === "failed", "failed");
    expect(failed.outcome).toMatch(
      /failed: analysis failed in 2 evaluations in a row: errorRate = 0\.\d+ \(fails: must be < 0\.01\); nothing destructive ran$/,
    );
    expect(
      failed.steps.find((s) => s.index === failed.plan.steps.findIndex((p) => p.kind === "approval")),
    ).toMatchObject({ status: "skipped" });
    const card = sandbox.fake.history(STORY_CHANNEL).find((m) => JSON.stringify(m).includes(failed.id));
    if (!card) throw new Error("no card");
    const thread = sandbox.fake.replies(STORY_CHANNEL, card.ts).map((m) => JSON.stringify(m));
    expect(thread.some((m) => m.includes("Analyse the new code"))).toBe(true);
    expect(thread.filter((m) => m.includes('"Approve"'))).toEqual([]);
  }, 300_000);
});

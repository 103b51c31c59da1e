import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { postSigned, SlackFake, slashCommandBody } from "../../src/slack-emulator/index.js";
import { type BotProcess, startBotProcess } from "../../testkit/bot-process.js";
import { createTestDatabase, type TestDatabase } from "../../testkit/postgres.js";
import { findDjangoPython } from "../../testkit/python.js";
import { connectRedis, deleteKeys, redisUrl, uniquePrefix } from "../../testkit/redis.js";
import { shopDir } from "../../testkit/run-cli.js";
import { runIdIn } from "../../testkit/run-ids.js";
import { shopBeforeRelease } from "../../testkit/shop-table.js";

const TOKEN = "xoxb-request-log";
const SECRET = "request-log-secret";
const ALICE = "U0ALICE";
const prefix = uniquePrefix("reqlog");
let dir: string;
let db: TestDatabase;
let fake: SlackFake;
let bot: BotProcess;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "phasegate-reqlog-"));
  db = createTestDatabase("reqlog");
  shopBeforeRelease({ DATABASE_URL: db.url });
  const servicesFile = path.join(dir, "services.yaml");
  const shop = {
    project: { path: shopDir, python: [findDjangoPython()], env: { DATABASE_URL: db.url } },
    deployer: { kind: "command", command: ["echo", "deployed {version}"] },
    rollout: { kind: "command", command: ["echo", "all instances run {version}"] },
    slack: { channel: "C0SHOP" },
    access: { starters: [ALICE], approvers: { users: [ALICE] }, fourEyes: false },
  };
  await writeFile(servicesFile, stringify({ services: { shop } }));
  fake = await new SlackFake({ token: TOKEN, channels: ["C0SHOP"] }).start();
  bot = await startBotProcess({
    servicesFile,
    redisUrl,
    prefix,
    slackApiUrl: fake.apiUrl,
    token: TOKEN,
    signingSecret: SECRET,
    command: "all",
    logLevel: "debug",
  });
});

afterAll(async () => {
  await bot?.stop();
  await fake?.stop();
  const redis = connectRedis();
  await deleteKeys(redis, prefix);
  redis.disconnect();
  db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

type Line = Record<string, unknown>;

function lines(): Line[] {
  return bot
    .output()
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Line);
}

describe("the log lines of a /migrate start in a real phasegate process", () => {
  it("each carry the request's id and, once it exists, the run's; the worker's lines name the run and step", async () => {
    const body = slashCommandBody({
      text: "start shop v2",
      user: ALICE,
      channel: "C0SHOP",
      responseUrl: fake.responseUrl("start"),
    });
    expect((await postSigned(bot.url, SECRET, body)).status).toBe(200);
    const answer = await fake.waitFor(() => fake.responses.find((r) => r.key === "start"), 60_000);
    const runId = runIdIn(String(answer.body.text), "shop");

    const created = await waitForLine((l) => l.msg === "run created" && l.runId === runId);
    const requestId = created.requestId;
    expect(requestId).toEqual(expect.any(String));
    const ofRequest = lines().filter((l) => l.requestId === requestId);
    // Reading the release (Django) comes before the run exists; from "run created" on, each line names it.
    const fromCreation = ofRequest.slice(
      ofRequest.indexOf(ofRequest.find((l) => l.msg === "run created") as Line),
    );
    expect(fromCreation.length).toBeGreaterThan(0);
    for (const line of fromCreation) expect(line, JSON.stringify(line)).toMatchObject({ requestId, runId });
    // No other request's lines name the run (the start's answer was not logged under another id).
    expect(lines().filter((l) => l.requestId && l.requestId !== requestId && l.runId === runId)).toEqual([]);

    // The worker runs the steps outside any request: its lines carry the run, the step and the job.
    const stepped = await waitForLine((l) => l.runId === runId && typeof l.step === "number" && "jobId" in l);
    expect(stepped.requestId).toBeUndefined();
  });
});

async function waitForLine(match: (line: Line) => boolean): Promise<Line> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const found = lines().find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no such log line in:\n${bot.output().slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

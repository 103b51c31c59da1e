import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../src/net/free-ports.js";
import { SlackFake } from "../../src/slack-emulator/index.js";
import { cliArgv } from "../../testkit/cli-entry.js";
import { connectRedis, deleteKeys, redisUrl, uniquePrefix } from "../../testkit/redis.js";
import { repoRoot, runCli } from "../../testkit/run-cli.js";

const services = path.join(repoRoot, "examples", "services.example.yaml");
const NO_SLACK = { SLACK_BOT_TOKEN: undefined, SLACK_SIGNING_SECRET: undefined, SLACK_APP_TOKEN: undefined };

async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error("the bot never answered");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Starts `phasegate all` against the given Slack API, waits until it is ready, stops it with SIGTERM: the exit code. */
async function serveThenStop(slackApiUrl: string): Promise<number | null> {
  const port = await freePort();
  const child = spawn(process.execPath, cliArgv("all"), {
    cwd: repoRoot,
    stdio: "ignore",
    env: {
      ...process.env,
      ...NO_SLACK,
      LOG_LEVEL: "silent",
      PORT: String(port),
      SLACK_BOT_TOKEN: "xoxb-cli",
      SLACK_SIGNING_SECRET: "secret",
      SLACK_API_URL: slackApiUrl,
      PHASEGATE_SERVICES: services,
      PHASEGATE_PREFIX: prefix,
      REDIS_URL: redisUrl,
    },
  });
  const exited = once(child, "exit");
  await until(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200);
  expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).text()).toBe("ok\n");
  child.kill("SIGTERM");
  const [code] = (await exited) as [number | null];
  return code;
}

let fake: SlackFake;
const prefix = uniquePrefix("botcli");

beforeAll(async () => {
  fake = await new SlackFake().start();
});

afterAll(async () => {
  await fake.stop();
  const redis = connectRedis();
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

describe("phasegate bot and all", () => {
  it("explain themselves", async () => {
    const help = await runCli(["bot", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("SLACK_SIGNING_SECRET for HTTP mode");
    expect((await runCli(["--help"])).stdout).toMatch(
      /all\s+Run the Slack app and a step worker in one process/,
    );
  });

  it("refuse to start without the Slack environment, saying what to set", async () => {
    const none = await runCli(["bot", "--services", services], NO_SLACK);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(
      "SLACK_BOT_TOKEN: set it to the Bot User OAuth Token (xoxb-…) of the Slack app",
    );
    const noSecret = await runCli(["bot", "--services", services], {
      ...NO_SLACK,
      SLACK_BOT_TOKEN: "xoxb-1",
    });
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toContain(
      "set SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode)",
    );
  });

  it("print a services file that does not load like `config check`: place, path and fix, no stack trace", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "phasegate-botcli-"));
    const file = path.join(dir, "services.yaml");
    await writeFile(file, "services:\n  shop:\n    project:\n      path: 3\n");
    try {
      const run = await runCli(["bot", "--services", file], {
        ...NO_SLACK,
        SLACK_BOT_TOKEN: "xoxb-1",
        SLACK_SIGNING_SECRET: "s",
      });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`${file}:4:7: services.shop.project.path: expected a string`);
      expect(run.stderr).toContain("  fix: ");
      expect(run.stderr).not.toContain("unexpected error");
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("`all` serves /healthz and /readyz on PORT and stops cleanly on SIGTERM", async () => {
    expect(await serveThenStop(fake.apiUrl)).toBe(0);
  });

  it("`all` stops on SIGTERM when Slack cannot be reached (the Web API client would retry for half an hour)", async () => {
    const closedPort = await freePort();
    expect(await serveThenStop(`http://127.0.0.1:${closedPort}/api/`)).toBe(0);
  });
});

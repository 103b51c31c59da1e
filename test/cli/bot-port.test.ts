import { execFile } from "node:child_process";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliArgv, repoRoot } from "../../testkit/cli-entry.js";
import { connectRedis, deleteKeys, redisUrl, uniquePrefix } from "../../testkit/redis.js";

const SERVICES = path.join(repoRoot, "examples", "services.example.yaml");

/** Runs the compiled CLI, killed after `timeoutMs`: a command that hangs fails the test instead of outliving it. */
function runBounded(args: string[], env: Record<string, string>, timeoutMs: number) {
  return new Promise<{ code: number | null; stderr: string; killed: boolean }>((resolve) => {
    const child = execFile(
      process.execPath,
      cliArgv(...args),
      { cwd: repoRoot, env: { ...process.env, LOG_LEVEL: "silent", ...env }, timeout: timeoutMs },
      (error, _stdout, stderr) => {
        resolve({ code: child.exitCode, stderr, killed: error?.killed ?? false });
      },
    );
  });
}

describe("phasegate bot on a port it cannot listen on", () => {
  const prefix = uniquePrefix("bot-port");
  let taken: Server;
  beforeAll(async () => {
    taken = createServer().listen(0);
    await once(taken, "listening");
  });
  afterAll(async () => {
    taken.close();
    const redis = connectRedis();
    await deleteKeys(redis, prefix);
    redis.disconnect();
  });

  it.each(["bot", "all"])(
    "phasegate %s says PORT is in use and exits 2, instead of hanging",
    async (command) => {
      const port = (taken.address() as AddressInfo).port;
      const run = await runBounded(
        [command, "--services", SERVICES, "--prefix", prefix, "--redis", redisUrl],
        { SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "secret", PORT: String(port) },
        15_000,
      );
      expect(run.killed).toBe(false);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(
        new RegExp(
          `^phasegate ${command}: cannot listen on PORT ${port} \\(listen EADDRINUSE: .*\\): set PORT to a free port \\(0 picks one\\)\\n$`,
        ),
      );
    },
  );

  it.each(["bot", "all"])(
    "phasegate %s refuses a blank PORT (a manifest's `PORT:` left empty) instead of listening on any free port",
    async (command) => {
      const run = await runBounded(
        [command, "--services", SERVICES, "--prefix", prefix, "--redis", redisUrl],
        { SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "secret", PORT: "" },
        15_000,
      );
      expect(run.killed).toBe(false);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("PORT: must be a port number from 0 to 65535, e.g. 3000");
    },
  );
});

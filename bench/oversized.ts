import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { SlackFake } from "../src/slack-emulator/index.js";
import { startBotProcess } from "../testkit/bot-process.js";
import { writeMinimalServices } from "../testkit/minimal-services.js";
import { oversizedPost } from "../testkit/oversized-post.js";
import { connectRedis, deleteKeys, redisUrl, uniquePrefix } from "../testkit/redis.js";
import { repoRoot } from "../testkit/run-cli.js";
import type { Figure } from "./figure.js";
import { buildCli } from "./plan-cli.js";

const BURST = 50;
const SIZE = 100 * 1024 * 1024;
const PEAK_GOAL_MB = 150;

/**
 * Peak resident memory (VmHWM) of a real `phasegate bot` process while 50 unauthenticated clients each try to
 * POST 100 MB to Slack's endpoint at once, half announcing the size, half chunked.
 */
export async function oversizedBenchmark(): Promise<Figure[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "phasegate-bench-oversized-"));
  const servicesFile = await writeMinimalServices(dir, "C0BENCH", { approvers: { users: ["U0BOB"] } });
  const fake = await new SlackFake({ token: "xoxb-bench" }).start();
  const prefix = uniquePrefix("bench-oversized");
  // What the shipped image runs: the compiled CLI (tsx alone costs the process ~100 MB more at start).
  const cli = await buildCli(repoRoot);
  const bot = await startBotProcess({
    cli: cli.argv,
    servicesFile,
    redisUrl,
    prefix,
    slackApiUrl: fake.apiUrl,
    token: "xoxb-bench",
    signingSecret: "bench-secret",
  });
  try {
    const idle = await bot.peakMemoryMiB();
    const started = performance.now();
    const posts = await Promise.all(
      Array.from({ length: BURST }, (_, i) => oversizedPost(bot.url, SIZE, i % 2 === 0)),
    );
    const seconds = (performance.now() - started) / 1000;
    const peak = await bot.peakMemoryMiB();
    const refused = posts.filter((p) => p.status === 413 || p.status === "reset").length;
    const sentMiB = posts.reduce((sum, p) => sum + p.sentBytes, 0) / 1024 / 1024;
    return [
      {
        name: "bot peak memory, 50 × 100 MB unauthenticated posts",
        value: peak,
        unit: "MB",
        goal: PEAK_GOAL_MB,
        detail: `VmHWM of the phasegate bot process (compiled CLI), ${idle.toFixed(0)} MiB before the burst; ${refused}/${BURST} refused (413 or closed), ${sentMiB.toFixed(0)} MiB sent in all before the bot stopped them, ${seconds.toFixed(1)} s`,
      },
    ];
  } finally {
    await bot.stop();
    await fake.stop();
    const redis = connectRedis();
    await deleteKeys(redis, prefix);
    redis.disconnect();
    await rm(dir, { recursive: true, force: true });
  }
}

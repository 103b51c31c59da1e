import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { postSigned, SlackFake, slashCommandBody } from "../src/slack-emulator/index.js";
import { type BotProcess, startBotProcess } from "./bot-process.js";
import { createTestDatabase, type TestDatabase } from "./postgres.js";
import { findDjangoPython } from "./python.js";
import { connectRedis, deleteKeys, redisUrl, uniquePrefix } from "./redis.js";
import { shopDir } from "./run-cli.js";
import { shopBeforeRelease } from "./shop-table.js";

export const APPROVER = "U0BOB";
const CHANNEL = "C0SHOP";
const SECRET = "pipeline-signing-secret";
const BOT_TOKEN = "xoxb-pipeline";

/** A rollout command that is done at once: pipeline tests watch the deploy, not the rollout. */
const ROLLOUT_DONE = {
  kind: "command",
  command: ["echo", "every instance runs {version}"],
  pollIntervalSeconds: 1,
  maxPollIntervalSeconds: 1,
};

export interface PipelineService {
  /** Sections that replace the defaults (a command deployer, a rollout that is done at once). */
  keys?: Record<string, unknown>;
  /** Token names: each gets a fresh token, its SHA-256 listed in `pipeline.tokens`. */
  tokens?: string[];
}

/**
 * A real `phasegate all` process (bot and worker) on loopback, with the Slack emulator and real Redis and
 * PostgreSQL: each service runs examples/shop on a database of its own, with the given pipeline tokens.
 */
export interface PipelineBot {
  bot: BotProcess;
  fake: SlackFake;
  /** The bot's base URL, for `--api`. */
  api: string;
  /** Its Redis key prefix. */
  prefix: string;
  /** The token of each name, and a file holding it. */
  token(name: string): string;
  tokenFile(name: string): string;
  /** `/migrate <text>` from the approver, signed, to the bot's Slack endpoint. */
  migrate(text: string): Promise<void>;
  close(): Promise<void>;
}

export async function startPipelineBot(
  name: string,
  services: Record<string, PipelineService>,
): Promise<PipelineBot> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `phasegate-${name}-`));
  const databases: TestDatabase[] = [];
  const tokens = new Map<string, string>();
  const config = Object.fromEntries(
    Object.entries(services).map(([service, spec]) => {
      const db = createTestDatabase(name);
      databases.push(db);
      shopBeforeRelease({ DATABASE_URL: db.url });
      for (const token of spec.tokens ?? [])
        if (!tokens.has(token)) tokens.set(token, randomBytes(24).toString("hex"));
      const listed = (spec.tokens ?? []).map((token) => ({
        name: token,
        sha256: createHash("sha256")
          .update(tokens.get(token) ?? "")
          .digest("hex"),
      }));
      return [
        service,
        {
          project: { path: shopDir, python: [findDjangoPython()], env: { DATABASE_URL: db.url } },
          deployer: { kind: "command", command: ["echo", "deployed {service} {version}"] },
          rollout: ROLLOUT_DONE,
          slack: { channel: CHANNEL },
          access: { approvers: { users: [APPROVER] } },
          ...spec.keys,
          ...(listed.length > 0 ? { pipeline: { tokens: listed } } : {}),
        },
      ];
    }),
  );
  const servicesFile = path.join(dir, "services.yaml");
  await writeFile(servicesFile, stringify({ services: config }));
  for (const [token, value] of tokens) await writeFile(path.join(dir, `${token}.token`), `${value}\n`);
  const fake = await new SlackFake({ token: BOT_TOKEN, channels: [CHANNEL] }).start();
  const prefix = uniquePrefix(name);
  const bot = await startBotProcess({
    servicesFile,
    redisUrl,
    prefix,
    slackApiUrl: fake.apiUrl,
    token: BOT_TOKEN,
    signingSecret: SECRET,
    command: "all",
  });
  let commands = 0;
  return {
    bot,
    fake,
    api: `http://127.0.0.1:${bot.port}`,
    prefix,
    token: (token) => tokens.get(token) ?? "",
    tokenFile: (token) => path.join(dir, `${token}.token`),
    async migrate(text) {
      const body = slashCommandBody({
        text,
        user: APPROVER,
        channel: CHANNEL,
        responseUrl: fake.responseUrl(`command-${++commands}`),
      });
      const answer = await postSigned(bot.url, SECRET, body);
      if (answer.status !== 200) throw new Error(`/migrate ${text}: ${answer.status} ${answer.text}`);
    },
    async close() {
      await bot.stop();
      const redis = connectRedis();
      await deleteKeys(redis, prefix);
      redis.disconnect();
      await fake.stop();
      for (const db of databases) db.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

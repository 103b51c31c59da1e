import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { loadServices } from "../src/config/load-services.js";
import { SlackFake } from "../src/slack-emulator/index.js";
import { type RunningBot, startBot } from "../src/wiring/bot.js";
import { connectRedis, deleteKeys, uniquePrefix } from "../testkit/redis.js";
import { type SlackOperator, slackOperator } from "./slack-operator.js";
import { type Stage, shopDir } from "./stage.js";

const SERVICE = "shop";
const CHANNEL = "C0SHOP";
const REQUESTER = "U0REQUESTER";
export const APPROVER = "U0APPROVER";
const SECRET = "proof-signing-secret";
const TOKEN = "xoxb-proof-token";

/** phasegate as it runs the shop: a services file, the Slack bot with its worker, and Slack (a fake) around it. */
export interface Phasegate {
  bot: RunningBot;
  operator: SlackOperator;
  /** Where the services file points `project.path`: the checkout of the release being migrated. */
  checkoutDir: string;
  close(): Promise<void>;
}

function shopService(stage: Stage, checkoutDir: string) {
  const { python, databaseUrl } = stage.options;
  return {
    project: { path: checkoutDir, python: [python], env: { DATABASE_URL: databaseUrl } },
    executor: { kind: "local" },
    deployer: {
      kind: "command",
      command: [python, "-m", "traffic.request_deploy", stage.control.url, "{version}"],
      cwd: shopDir,
    },
    rollout: {
      kind: "http",
      urls: stage.fleet.versionUrls(),
      pollIntervalSeconds: 1,
      maxPollIntervalSeconds: 1,
      deadlineSeconds: 600,
    },
    slack: { channel: CHANNEL },
    access: { approvers: { users: [APPROVER] }, fourEyes: true },
  };
}

export async function startPhasegate(stage: Stage): Promise<Phasegate> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "phasegate-proof-"));
  const checkoutDir = path.join(dir, "checkout");
  const servicesFile = path.join(dir, "services.yaml");
  await writeFile(servicesFile, stringify({ services: { [SERVICE]: shopService(stage, checkoutDir) } }));
  const fake = await new SlackFake({ token: TOKEN, channels: [CHANNEL] }).start();
  const redis = connectRedis();
  const prefix = uniquePrefix("proof");
  const bot = await startBot({
    env: { SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.apiUrl, PORT: 0 },
    services: await loadServices(servicesFile),
    redis,
    prefix,
    logger: stage.options.logger,
    withWorker: true,
  });
  const operator = slackOperator({
    fake,
    url: `http://127.0.0.1:${bot.port}/slack/events`,
    secret: SECRET,
    service: SERVICE,
    channel: CHANNEL,
    requester: REQUESTER,
    approver: APPROVER,
  });
  return {
    bot,
    operator,
    checkoutDir,
    async close() {
      await bot.stop();
      await deleteKeys(redis, prefix);
      redis.disconnect();
      await fake.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

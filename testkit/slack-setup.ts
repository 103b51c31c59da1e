import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { loadServices } from "../src/config/load-services.js";
import type { Run } from "../src/domain/run/run.js";
import type { RedisClient } from "../src/net/redis/connect.js";
import { redisTopologyFromEnv } from "../src/net/redis/redis-env.js";
import {
  blockActionsBody,
  postSigned,
  type SignedAnswer,
  type SignOptions,
  SlackFake,
  SlackWorkspace,
  slashCommandBody,
} from "../src/slack-emulator/index.js";
import { logger } from "../src/telemetry/pino-logger.js";
import { type RunningBot, startBot } from "../src/wiring/bot.js";
import { createTestDatabase, type TestDatabase } from "./postgres.js";
import { findDjangoPython } from "./python.js";
import { connectRedis, deleteKeys, uniquePrefix } from "./redis.js";
import { shopDir } from "./run-cli.js";
import { shopBeforeRelease } from "./shop-table.js";

export const ALICE = "U0ALICE"; // starter and approver
export const BOB = "U0BOB"; // starter and approver
export const CAROL = "U0CAROL"; // approver, and admin of every service, through the user group S0DBA only
export const EVE = "U0EVE"; // neither starter nor approver
export const SHOP_CHANNEL = "C0SHOP";
export const OPS_CHANNEL = "C0OPS";
export const OTHER_CHANNEL = "C0RANDOM";
export const DBA_GROUP = "S0DBA";
export const SECRET = "test-signing-secret";
const TOKEN = "xoxb-test-token";
const APP_TOKEN = "xapp-test-token";

/** Rollout: "1 of 2 instances run v2" on the first poll of a run, done on the next. */
const ROLLOUT = [
  "sh",
  "-c",
  'if [ -f "$0.polled" ]; then echo "2 of 2 instances run $1"; else touch "$0.polled"; echo "1 of 2 instances run $1"; exit 75; fi',
  "{runId}",
  "{version}",
];

/** A rollout that never finishes: the run waits for it until cancelled. */
const STUCK_ROLLOUT = ["sh", "-c", 'echo "0 of 2 instances run $0"; exit 75', "{version}"];

function service(
  db: TestDatabase,
  dir: string,
  env: Record<string, string> = {},
  rollout = ROLLOUT,
  project = shopDir,
  python = [findDjangoPython()],
) {
  return {
    project: { path: project, python, env: { DATABASE_URL: db.url, ...env } },
    executor: { kind: "local" },
    deployer: { kind: "command", command: ["echo", "deployed {service} {version}"] },
    rollout: {
      kind: "command",
      command: rollout,
      cwd: dir,
      pollIntervalSeconds: 1,
      maxPollIntervalSeconds: 1,
    },
    slack: { channel: SHOP_CHANNEL, allowedChannels: [OPS_CHANNEL] },
    access: {
      starters: [ALICE, BOB, CAROL],
      approvers: { users: [ALICE, BOB], usergroups: [DBA_GROUP] },
      admins: { users: [], usergroups: [DBA_GROUP] },
      fourEyes: true,
    },
  };
}

/** What the user sees for one request: the ack's own message, or the answer posted to the response_url. */
export interface Answer {
  status: number;
  text: string;
  /** Text and blocks, for searching. */
  all: string;
}

export interface SlackHarness {
  fake: SlackFake;
  /** The users' side of Slack: commands typed and buttons clicked reach the bot over the harness's transport. */
  workspace: SlackWorkspace;
  servicesFile: string;
  prefix: string;
  bot: RunningBot;
  url: string;
  redis: RedisClient;
  /** Sends a signed `/migrate <text>` and returns what the user sees. */
  migrate(text: string, user?: string, channel?: string): Promise<Answer>;
  /** Sends a signed click on Approve or Reject of the run's gate and returns what the clicker sees. */
  click(actionId: string, value: string, user: string, messageTs?: string, channel?: string): Promise<Answer>;
  /** Posts a raw body to Slack's endpoint, signed unless told otherwise. */
  send(body: string, options?: SignOptions): Promise<SignedAnswer>;
  run(runId: string): Promise<Run>;
  /** Resolves with the run once `until` holds (polling the store); rejects after a minute. */
  waitForRun(runId: string, until: (run: Run) => boolean): Promise<Run>;
  close(): Promise<void>;
}

/**
 * The production bot (Bolt app, Slack notifier, engine, optionally a worker) on a loopback port, talking to the
 * Slack Web API fake. Each service runs examples/shop on a PostgreSQL database of its own: `shop` rolls out,
 * `inventory` is the refused variant, `stuck` never finishes its rollout.
 */
export interface SlackHarnessOptions {
  withWorker: boolean;
  /** Another Redis than the shared one (a test's own redis-server). */
  redisUrl?: string;
  /** How often the bot checks its state marker (default 2 s). */
  stateCheckMs?: number;
  /** How long stopping the bot lets the requests it took finish (default 15 s). */
  drainLimitMs?: number;
  transport?: "http" | "socket-mode";
  /**
   * More services like `shop` (channel, rollout), each on a database of its own: another project directory
   * (examples/shop by default), other `access` keys and further service keys when given.
   */
  extraServices?: Record<
    string,
    {
      project?: string;
      /** Apps of that project whose first migration is live before the release (another project's v1). */
      liveApps?: string[];
      /** The command that runs the project's Python (Django's Python by default). */
      python?: string[];
      access?: Record<string, unknown>;
      keys?: Record<string, unknown>;
    }
  >;
}

export async function startSlackHarness(name: string, options: SlackHarnessOptions): Promise<SlackHarness> {
  const socketMode = options.transport === "socket-mode";
  const dir = await mkdtemp(path.join(os.tmpdir(), `phasegate-${name}-`));
  const databases = [createTestDatabase(name), createTestDatabase(name), createTestDatabase(name)];
  const [shopDb, inventoryDb, stuckDb] = databases as [TestDatabase, TestDatabase, TestDatabase];
  // v1 is live: the releases meet tables old code uses (a table the release creates would be new).
  for (const db of [shopDb, stuckDb]) shopBeforeRelease({ DATABASE_URL: db.url });
  shopBeforeRelease({ DATABASE_URL: inventoryDb.url, SHOP_WITH_INVENTORY: "1" }, ["catalog", "inventory"]);
  const extra = Object.entries(options.extraServices ?? {}).map(([serviceName, more]) => {
    const db = createTestDatabase(name);
    if (more.project === undefined) shopBeforeRelease({ DATABASE_URL: db.url });
    else if (more.liveApps)
      shopBeforeRelease({ DATABASE_URL: db.url }, more.liveApps, undefined, more.project);
    databases.push(db);
    const base = service(db, dir, {}, ROLLOUT, more.project, more.python);
    return [serviceName, { ...base, ...more.keys, access: { ...base.access, ...more.access } }] as const;
  });
  await writeFile(
    path.join(dir, "services.yaml"),
    stringify({
      services: {
        shop: service(shopDb, dir),
        inventory: service(inventoryDb, dir, { SHOP_WITH_INVENTORY: "1" }),
        stuck: service(stuckDb, dir, {}, STUCK_ROLLOUT),
        ...Object.fromEntries(extra),
      },
    }),
  );
  const fake = await new SlackFake({
    token: TOKEN,
    channels: [SHOP_CHANNEL, OPS_CHANNEL, OTHER_CHANNEL],
    appToken: APP_TOKEN,
  }).start();
  fake.setUsergroup(DBA_GROUP, [CAROL]);
  const redis = options.redisUrl
    ? connectRedis(redisTopologyFromEnv({ REDIS_URL: options.redisUrl }))
    : connectRedis();
  const prefix = uniquePrefix(name);
  const bot = await startBot({
    env: {
      SLACK_BOT_TOKEN: TOKEN,
      ...(socketMode ? { SLACK_APP_TOKEN: APP_TOKEN } : { SLACK_SIGNING_SECRET: SECRET }),
      SLACK_API_URL: fake.apiUrl,
      PORT: 0,
    },
    services: await loadServices(path.join(dir, "services.yaml")),
    redis,
    prefix,
    logger,
    withWorker: options.withWorker,
    engine: { cancelPollMs: 200 },
    stateCheckMs: options.stateCheckMs,
    drainLimitMs: options.drainLimitMs,
  });
  const url = `http://127.0.0.1:${bot.port}/slack/events`;
  let requests = 0;

  async function answerOf(ack: SignedAnswer, key: string): Promise<Answer> {
    if (ack.status !== 200 || ack.json?.text) {
      const text = String(ack.json?.text ?? ack.text);
      return { status: ack.status, text, all: text };
    }
    const posted = await fake.waitFor(() => fake.responses.find((r) => r.key === key));
    return { status: ack.status, text: String(posted.body.text), all: JSON.stringify(posted.body) };
  }

  const harness: SlackHarness = {
    fake,
    workspace: new SlackWorkspace(
      fake,
      socketMode ? { kind: "socket-mode" } : { kind: "http", url, secret: SECRET },
    ),
    servicesFile: path.join(dir, "services.yaml"),
    prefix,
    bot,
    url,
    redis,
    send: (body, signOptions) => postSigned(url, SECRET, body, signOptions),
    async migrate(text, user = ALICE, channel = SHOP_CHANNEL) {
      const key = `command-${++requests}`;
      const body = slashCommandBody({ text, user, channel, responseUrl: fake.responseUrl(key) });
      return answerOf(await harness.send(body), key);
    },
    async click(actionId, value, user, messageTs = "1.000001", channel = SHOP_CHANNEL) {
      const key = `click-${++requests}`;
      const body = blockActionsBody({
        user,
        channel,
        messageTs,
        actionId,
        value,
        responseUrl: fake.responseUrl(key),
      });
      return answerOf(await harness.send(body), key);
    },
    async run(runId) {
      const run = await bot.engine.useCases.status(runId);
      if (!run) throw new Error(`no run ${runId}`);
      return run;
    },
    async waitForRun(runId, until) {
      // Generous: a run with real Django processes on a loaded 2-core machine.
      const deadline = Date.now() + 90_000;
      for (;;) {
        const run = await bot.engine.useCases.status(runId);
        if (run && until(run)) return run;
        if (Date.now() > deadline)
          throw new Error(`${runId} stayed ${run?.status} at step ${run?.currentStep}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async close() {
      await bot.stop();
      await deleteKeys(redis, prefix);
      redis.disconnect();
      await fake.stop();
      for (const db of databases) db.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

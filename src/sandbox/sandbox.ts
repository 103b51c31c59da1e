import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { type LoadedServices, loadServices } from "../config/load-services.js";
import { findPackageFile } from "../django/helper.js";
import { isTerminal } from "../domain/run/run.js";
import { createRedisClient } from "../net/redis/connect.js";
import { redisTopologyFromEnv } from "../net/redis/redis-env.js";
import type { Logger } from "../ports/logger.js";
import {
  findPrometheus,
  type LocalPrometheus,
  startLocalPrometheus,
} from "../prometheus/local-prometheus.js";
import { SlackFake, SlackWorkspace } from "../slack-emulator/index.js";
import { deleteKeys } from "../store/delete-prefix.js";
import { type BotOptions, type RunningBot, startBot } from "../wiring/bot.js";
import { isLoopback, MIN_TOKEN_LENGTH } from "./page-access.js";
import type { PageModules } from "./page-assets.js";
import { PageFeed } from "./page-feed.js";
import { PageServer } from "./page-server.js";
import { type Directory, directoryOf, STORY_PEOPLE } from "./people.js";
import { checkPostgres } from "./postgres.js";
import { checkRedis } from "./redis-check.js";
import { SandboxError } from "./sandbox-error.js";
import { STORY_CHANNEL, STORY_SERVICE, Story } from "./story.js";

export interface SandboxOptions {
  host: string;
  /** Every page and API call needs it; required for a --host other than loopback (see page-access.ts). */
  accessToken: string | null;
  /** 0 picks a free port. */
  port: number;
  /** Slack reaches the bot over Socket Mode instead of signed HTTP requests. */
  socketMode: boolean;
  /** A team's services file; the built-in story when null. */
  servicesFile: string | null;
  redisUrl: string;
  /** The PostgreSQL server the story creates its database on. */
  databaseUrl: string;
  /** The Python that runs the shop (the story only). */
  python?: () => Promise<string>;
  replicas: number;
  /** Pause between two workload rounds of a replica (keeps a laptop's fans quiet). */
  pauseMs: number;
  slotPauseMs: number;
  logger: Logger;
  /** Where the page's modules come from: the built ones by default (tests running the sources compile them). */
  pageModules?: PageModules;
  /** The Prometheus executable scraping the story's fleet; found on PATH when undefined, none when null. */
  prometheus?: string | null;
  /** Engine settings (the bench replaces Django's introspection). */
  engine?: BotOptions["engine"];
  /** Told the page's address as soon as it listens, before the rest is up (the page waits until it is). */
  onListening?: (url: string) => void;
}

export interface RunningSandbox {
  url: string;
  fake: SlackFake;
  bot: RunningBot;
  story: Story | null;
  directory: Directory;
  stop(): Promise<void>;
}

/** The bot token of the sandbox's own Slack (the emulator accepts no other). */
export const SANDBOX_BOT_TOKEN = "xoxb-sandbox";
const APP_TOKEN = "xapp-sandbox";

/** The story's services file, written where the bot loads it from. */
async function storyServices(
  story: Story,
  dir: string,
  prometheus: LocalPrometheus | null,
): Promise<LoadedServices> {
  const file = path.join(dir, "services.yaml");
  await writeFile(file, stringify({ services: { [STORY_SERVICE]: story.service(prometheus?.url ?? null) } }));
  return loadServices(file);
}

function storyDirectory(): Directory {
  return { people: Object.values(STORY_PEOPLE), channels: { [STORY_CHANNEL]: "shop-deploys" }, groups: {} };
}

/**
 * Prometheus scraping the story's fleet every second, when it is installed (the story's analysis asks it); without
 * it the analysis is a soak only.
 */
async function storyPrometheus(
  story: Story,
  binary: string | null | undefined,
  logger: Logger,
): Promise<LocalPrometheus | null> {
  const found = binary === undefined ? findPrometheus() : binary;
  if (!found) {
    logger.info("prometheus is not installed: the story's analysis gate is a soak only");
    return null;
  }
  return startLocalPrometheus({
    binary: found,
    targets: story.metricsTargets(),
    job: STORY_SERVICE,
    scrapeIntervalSeconds: 1,
  });
}

/** Anyone who reaches a page not on loopback could start and approve runs: it needs a token nobody can guess. */
function checkAccess(host: string, token: string | null): void {
  if (token !== null && token.length < MIN_TOKEN_LENGTH)
    throw new SandboxError(
      `the access token is ${token.length} characters long: give one of at least ${MIN_TOKEN_LENGTH}, or --access-token generate`,
    );
  if (token === null && !isLoopback(host))
    throw new SandboxError(
      `--host ${host} is not a loopback address: anyone who reaches it could start and approve runs. Pass --access-token generate (or a token of your own), or leave --host out to stay on 127.0.0.1`,
    );
}

/** Runs `steps` in order; on a failure, undoes what was done (last first) and rethrows. */
async function startAll(undo: Array<() => Promise<void>>, start: () => Promise<RunningSandbox>) {
  try {
    return await start();
  } catch (error) {
    for (const step of undo.reverse()) await step().catch(() => undefined);
    throw error;
  }
}

/**
 * Everything the Slack flow needs, on loopback, in this process: the page's server, the Slack emulator, the real
 * bot (Bolt receiver, signature checks or Socket Mode) and its step worker on Redis under a prefix of its own, and
 * (for the story) the shop's database and fleet.
 */
export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const { logger, accessToken } = options;
  checkAccess(options.host, accessToken);
  const page = new PageServer(logger, accessToken, options.pageModules);
  const url = await page.listen(options.host, options.port);
  options.onListening?.(url);
  const undo: Array<() => Promise<void>> = [() => page.close()];
  return startAll(undo, async () => {
    await checkRedis(options.redisUrl);
    if (!options.servicesFile) await checkPostgres(options.databaseUrl);
    const dir = await mkdtemp(path.join(os.tmpdir(), "phasegate-sandbox-services-"));
    undo.push(() => rm(dir, { recursive: true, force: true }));
    const story = options.servicesFile
      ? null
      : await Story.open({
          python: await (options.python ?? (async () => "python3"))(),
          serverUrl: options.databaseUrl,
          shopDir: findPackageFile("examples/shop"),
          replicas: options.replicas,
          pauseMs: options.pauseMs,
          slotPauseMs: options.slotPauseMs,
          logger,
        });
    if (story) undo.push(() => story.close());
    const prometheus = story ? await storyPrometheus(story, options.prometheus, logger) : null;
    if (prometheus) undo.push(() => prometheus.stop());
    const services = story
      ? await storyServices(story, dir, prometheus)
      : await loadServices(options.servicesFile ?? "");
    const directory = story ? storyDirectory() : directoryOf(services);
    const fake = await new SlackFake({
      token: SANDBOX_BOT_TOKEN,
      appToken: APP_TOKEN,
      channels: Object.keys(directory.channels),
    }).start();
    undo.push(() => fake.stop());
    for (const [group, members] of Object.entries(directory.groups)) fake.setUsergroup(group, members);
    const secret = randomUUID();
    const redis = createRedisClient(redisTopologyFromEnv({ REDIS_URL: options.redisUrl }), "serve");
    const prefix = `phasegate:sandbox:${randomUUID().slice(0, 8)}:`;
    undo.push(async () => {
      await deleteKeys(redis, prefix);
      redis.disconnect();
    });
    const bot = await startBot({
      env: {
        SLACK_BOT_TOKEN: SANDBOX_BOT_TOKEN,
        ...(options.socketMode ? { SLACK_APP_TOKEN: APP_TOKEN } : { SLACK_SIGNING_SECRET: secret }),
        SLACK_API_URL: fake.apiUrl,
        PORT: 0,
      },
      host: "127.0.0.1",
      services,
      redis,
      prefix,
      logger,
      withWorker: true,
      ...(options.engine ? { engine: options.engine } : {}),
    });
    undo.push(() => bot.stop());
    const workspace = new SlackWorkspace(
      fake,
      options.socketMode
        ? { kind: "socket-mode" }
        : { kind: "http", url: `http://127.0.0.1:${bot.port}/slack/events`, secret },
    );
    const feed = new PageFeed(
      fake,
      Object.keys(directory.channels),
      story ? () => story.panel() : null,
      logger,
    );
    undo.push(async () => feed.close());
    page.attach({
      directory,
      fake,
      workspace,
      feed,
      story,
      transport: options.socketMode ? "socket-mode" : "http",
      services: Object.keys(services.services),
      logger,
      async activeRun() {
        const runs = await bot.engine.useCases.list({ limit: 100 });
        return runs.find((run) => !isTerminal(run.status))?.id ?? null;
      },
    });
    logger.info({ url, socketMode: options.socketMode, story: story !== null, prefix }, "sandbox started");
    return {
      url,
      fake,
      bot,
      story,
      directory,
      async stop() {
        for (const step of undo.splice(0).reverse())
          await step().catch((error: Error) => logger.warn({ err: error }, "sandbox cleanup step failed"));
      },
    };
  });
}

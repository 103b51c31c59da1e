import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import type { App } from "@slack/bolt";
import { pipelineApiRoutes } from "../api/pipeline-api.js";
import type { LoadedServices } from "../config/load-services.js";
import { SERVER_TIMEOUTS } from "../net/http/server-limits.js";
import type { RedisClient } from "../net/redis/connect.js";
import type { Logger } from "../ports/logger.js";
import { watchStepQueue } from "../queue/queue-metrics.js";
import { AckGate } from "../slack/inbound/ack-gate.js";
import { createSlackApp, type SlackEnv } from "../slack/inbound/app.js";
import { registerHandlers } from "../slack/inbound/handlers.js";
import { healthRoutes } from "../slack/inbound/health-routes.js";
import { InFlightWork } from "../slack/inbound/in-flight-work.js";
import { checkToken } from "../slack/outbound/check-token.js";
import { createSlackOutbound, slackClient } from "../slack/outbound/outbound.js";
import type { SlackNotifier } from "../slack/outbound/slack-notifier.js";
import { storeKeys } from "../store/keys.js";
import { RedisReplayGuard } from "../store/redis-replay-guard.js";
import { StateMarker } from "../store/state-marker.js";
import { collectProcessMetrics } from "../telemetry/metrics-registry.js";
import { createEngine, type Engine, type EngineOptions } from "./engine.js";
import { queueFirstStep } from "./first-step.js";
import { outboundStores } from "./outbound-stores.js";
import { REQUEST_WRITE_BUDGET_MS, replayConnection, requestConnection } from "./request-redis.js";
import { type RunningWorker, startWorker } from "./start-worker.js";
import { watchState } from "./state-watch.js";

export interface BotOptions {
  env: SlackEnv;
  services: LoadedServices;
  redis: RedisClient;
  prefix: string;
  logger: Logger;
  /** Also run a step worker in this process (`phasegate all`). */
  withWorker: boolean;
  /** How often the state marker is checked (default 2 s). */
  stateCheckMs?: number;
  /** How long stop() lets the Slack requests taken finish (default 15 s). */
  drainLimitMs?: number;
  /**
   * Listen on this address only (all interfaces by default). In Socket Mode the health routes are then left out:
   * Bolt's Socket Mode receiver cannot bind them to one address.
   */
  host?: string;
  /** Engine settings besides the ones the bot decides (tests shorten the cancel poll, the bench skips Django). */
  engine?: Pick<EngineOptions, "cancelPollMs" | "executorPollMs" | "now" | "introspect">;
}

export interface RunningBot {
  app: App;
  engine: Engine;
  notifier: SlackNotifier;
  /** The HTTP port listened on (PORT=0 picks a free one); null in Socket Mode. */
  port: number | null;
  stop(): Promise<void>;
}

function portOf(server: unknown): number | null {
  const address = (server as { address?: () => AddressInfo | string | null }).address?.();
  return address && typeof address === "object" ? address.port : null;
}

/** How long a stopping bot waits for Slack to take the card updates and replies still queued. */
const FLUSH_LIMIT_MS = 10_000;
/**
 * How long a stopping bot lets the commands and clicks it has taken finish (a start plans its release first) before
 * it closes its connections; with the flush above, within Kubernetes' default 30 s grace.
 */
const DRAIN_LIMIT_MS = 15_000;

async function drainWithin(work: InFlightWork, limitMs: number, logger: Logger): Promise<void> {
  if (work.size > 0)
    logger.info({ requests: work.size }, "finishing the Slack requests taken before stopping");
  if (!(await work.drain(limitMs)))
    logger.warn(
      { requests: work.size, limitMs },
      "Slack requests were still being carried out when the bot stopped and are cut short: their users are told it failed where Slack can still be reached, and `/migrate status` shows what became of each start",
    );
}

async function flushWithin(
  notifier: { flush(): Promise<void> },
  limitMs: number,
  logger: Logger,
): Promise<void> {
  const flushed = await Promise.race([
    notifier.flush().then(() => true),
    delay(limitMs, false, { ref: false }),
  ]);
  if (!flushed)
    logger.warn(
      { limitMs },
      "Slack did not take every queued card update and thread reply before shutdown: they are dropped, and the card shows the run again on its next change",
    );
}

/**
 * The Slack bot: Bolt app (commands, buttons, health routes), the Slack notifier and user group directory wired
 * into the run engine, and optionally a step worker.
 */
export async function startBot(options: BotOptions): Promise<RunningBot> {
  const { env, services, redis, prefix, logger } = options;
  const acks = new AckGate();
  // Answering Slack fails fast when Redis is unreachable (the replay check included) instead of waiting for it.
  const requestRedis = await requestConnection(redis, logger);
  const replayRedis = await replayConnection(requestRedis);
  const client = slackClient(env.SLACK_BOT_TOKEN, env.SLACK_API_URL, logger);
  void checkToken(client, logger);
  const slack = createSlackOutbound(
    client,
    services,
    logger,
    outboundStores(
      redis,
      prefix,
      () => ready.workerDeps,
      queueFirstStep(() => ready.queue, logger),
    ),
  );
  const engineOptions = {
    ...options.engine,
    prefix,
    services,
    logger,
    notifiers: [slack.notifier],
    usergroups: slack.usergroups,
    reminders: slack.reminders,
  };
  const ready = createEngine({ ...engineOptions, redis });
  const answering = createEngine({
    ...engineOptions,
    redis: requestRedis,
    writeBudgetMs: REQUEST_WRITE_BUDGET_MS,
  });
  // In Socket Mode Bolt serves the health routes on every interface: left out when told to listen on one address.
  const routes =
    env.SLACK_APP_TOKEN && options.host
      ? []
      : [
          ...healthRoutes(redis, logger),
          ...pipelineApiRoutes({
            services,
            useCases: answering.useCases,
            pipeline: answering.pipeline,
            logger,
          }),
        ];
  const work = new InFlightWork();
  const app = createSlackApp(env, routes, logger, acks, work, new RedisReplayGuard(replayRedis, prefix));
  registerHandlers(app, { useCases: answering.useCases, services, logger, acks, work });
  const worker: RunningWorker | null = options.withWorker ? startWorker(ready) : null;
  collectProcessMetrics();
  const queueMetrics = watchStepQueue(redis, storeKeys(prefix).bull());
  const stateWatch = watchState({
    marker: new StateMarker(redis, prefix),
    store: ready.store,
    logger,
    onLost: (runs) => slack.notifier.announceLostState(runs),
    onActive: (runs) => slack.notifier.repair(runs),
    intervalMs: options.stateCheckMs,
  });
  const server = await app
    .start(options.host ? { port: env.PORT, host: options.host } : env.PORT, SERVER_TIMEOUTS)
    .catch(async (error: unknown) => {
      // Nothing is served (a port in use): what was started above must not keep the caller's process alive.
      stateWatch.close();
      await release();
      throw error;
    });
  const port = env.SLACK_APP_TOKEN ? null : portOf(server);
  logger.info(
    { port, socketMode: Boolean(env.SLACK_APP_TOKEN), worker: options.withWorker },
    "slack bot started",
  );
  // Stopping twice (a caller, then its cleanup) waits for the first stop.
  let stopped: Promise<void> | undefined;
  return {
    app,
    engine: ready,
    notifier: slack.notifier,
    port,
    stop() {
      stopped ??= stop();
      return stopped;
    },
  };

  async function stop(): Promise<void> {
    stateWatch.close();
    await app.stop();
    await drainWithin(work, options.drainLimitMs ?? DRAIN_LIMIT_MS, logger);
    await release();
  }

  /** Everything started besides the app, once the app has stopped or could not start. */
  async function release(): Promise<void> {
    await worker?.close();
    await flushWithin(slack.notifier, FLUSH_LIMIT_MS, logger);
    await queueMetrics.close();
    await answering.close();
    await ready.close();
    requestRedis.disconnect();
    replayRedis.disconnect();
  }
}

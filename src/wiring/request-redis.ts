import { once } from "node:events";
import { setTimeout as delay } from "node:timers/promises";
import { duplicateWith, type RedisClient } from "../net/redis/connect.js";
import type { Logger } from "../ports/logger.js";

/** A Redis call made while answering Slack fails after this long instead of waiting for Redis to come back. */
export const REQUEST_COMMAND_TIMEOUT_MS = 1500;
/** A write made while answering Slack is never carried out by a Redis that takes it later than this. */
export const REQUEST_WRITE_BUDGET_MS = 2000;

/**
 * The connection the Slack requests use: no offline queue (a command sent while Redis is down fails at once) and a
 * command timeout, so every command and click is answered within Slack's 3 s, saying when Redis is unreachable.
 * The engine's own connection (workers, notifier) keeps waiting for Redis instead.
 */
export async function requestConnection(redis: RedisClient, logger: Logger): Promise<RedisClient> {
  const connection = duplicateWith(redis, {
    enableOfflineQueue: false,
    commandTimeout: REQUEST_COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
  });
  let down = false;
  connection.on("error", (error: Error) => {
    if (!down)
      logger.warn({ err: error }, "Redis unreachable: Slack requests are answered so until it is back");
    down = true;
  });
  connection.on("ready", () => {
    down = false;
  });
  await readySoon(connection);
  return connection;
}

/** Requests arriving right after the start find the connection ready; a Redis that is down delays nothing. */
async function readySoon(connection: RedisClient): Promise<void> {
  await Promise.race([once(connection, "ready"), delay(2000, undefined, { ref: false })]);
}

/**
 * The replay check's own connection: the request connection's fail-fast options plus ioredis's auto-pipelining,
 * which sends the SET NX of every request read in one turn as one write instead of one write each (in a burst of
 * 200 signed requests, writing single Redis commands took a seventh of the bot's CPU). Only the replay check uses
 * it: BullMQ's commands never go through auto-pipelining, with which BullMQ users report lost job data.
 */
export async function replayConnection(requests: RedisClient): Promise<RedisClient> {
  const connection = duplicateWith(requests, { enableAutoPipelining: true });
  // Said once already by the request connection's own listener; without a listener ioredis prints each error.
  connection.on("error", () => {});
  // The request connection has waited already: a Redis that is down does not delay the start twice.
  if (requests.status === "ready") await readySoon(connection);
  return connection;
}

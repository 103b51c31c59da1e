import type { CustomRoute } from "@slack/bolt";
import { register } from "prom-client";
import type { RedisClient } from "../../net/redis/connect.js";
import type { Logger } from "../../ports/logger.js";

/** A Redis that is down queues commands instead of failing them: readiness gives up after this long. */
const PING_TIMEOUT_MS = 2000;

function pingWithin(redis: RedisClient, ms: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer to PING within ${ms} ms`)), ms);
  });
  return Promise.race([redis.ping(), timeout]).finally(() => clearTimeout(timer));
}

/** Liveness, readiness (Redis answers PING) and Prometheus metrics, on the Slack app's own HTTP server. */
export function healthRoutes(redis: RedisClient, logger: Logger): CustomRoute[] {
  return [
    {
      path: "/healthz",
      method: "GET",
      handler: (_req, res) => {
        res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
      },
    },
    {
      path: "/readyz",
      method: "GET",
      handler: (_req, res) => {
        pingWithin(redis, PING_TIMEOUT_MS).then(
          () => res.writeHead(200, { "content-type": "text/plain" }).end("ready\n"),
          (error: Error) => {
            logger.warn({ err: error }, "not ready: Redis does not answer");
            res.writeHead(503, { "content-type": "text/plain" }).end(`not ready: Redis: ${error.message}\n`);
          },
        );
      },
    },
    {
      path: "/metrics",
      method: "GET",
      handler: (_req, res) => {
        register.metrics().then(
          (body) => res.writeHead(200, { "content-type": register.contentType }).end(body),
          (error: Error) => res.writeHead(500, { "content-type": "text/plain" }).end(`${error.message}\n`),
        );
      },
    },
  ];
}

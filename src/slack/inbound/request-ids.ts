import { randomUUID } from "node:crypto";
import type { RequestListener } from "node:http";
import type { AnyMiddlewareArgs, Middleware } from "@slack/bolt";
import { withLogContext } from "../../ports/log-context.js";

/** Each HTTP request (Slack's, a probe's) gets an id that every log line written while answering it carries. */
export function withRequestIds(listener: RequestListener): RequestListener {
  return (request, response) =>
    withLogContext({ requestId: randomUUID() }, () => listener(request, response));
}

/** Socket Mode's events arrive over one connection: each gets an id of its own here. */
export const requestIdMiddleware: Middleware<AnyMiddlewareArgs> = async ({ next }) =>
  withLogContext({ requestId: randomUUID() }, next);

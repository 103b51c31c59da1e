import type { RespondFn } from "@slack/bolt";
import { type Dispatcher, request } from "undici";
import { proxySettingsFromEnv } from "../../net/proxy/proxy-env.js";
import { dispatcherFor } from "../../net/proxy/undici-dispatcher.js";

/**
 * Slack's response URLs of a burst all share one host: a few kept-alive connections carry every answer, instead of
 * a new connection (and TLS handshake) per answer as Bolt's own respond opens when 200 are sent at once. One
 * dispatcher per origin, through HTTPS_PROXY unless NO_PROXY names it.
 */
const dispatchers = new Map<string, Dispatcher>();

function dispatcherOf(url: string): Dispatcher {
  const { origin } = new URL(url);
  let dispatcher = dispatchers.get(origin);
  if (!dispatcher) {
    dispatcher = dispatcherFor(origin, proxySettingsFromEnv(process.env), {
      connections: 16,
      keepAliveTimeout: 30_000,
    });
    dispatchers.set(origin, dispatcher);
  }
  return dispatcher;
}

/** Answers through a request's response_url; rejects when Slack does not accept the answer. */
export function respondTo(responseUrl: string): RespondFn {
  return async (message) => {
    const { statusCode, body } = await request(responseUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(typeof message === "string" ? { text: message } : message),
      dispatcher: dispatcherOf(responseUrl),
    });
    const answer = await body.text();
    if (statusCode >= 300) throw new Error(`response_url answered ${statusCode}: ${answer.slice(0, 200)}`);
  };
}

/** An answer shown to the request's user alone, as a new message: the message clicked, if any, stays as it is. */
export async function ephemeral(respond: RespondFn, text: string, blocks?: unknown[]): Promise<void> {
  await respond({
    response_type: "ephemeral",
    replace_original: false,
    text,
    ...(blocks ? { blocks } : {}),
  } as Parameters<RespondFn>[0]);
}

import type { RespondFn } from "@slack/bolt";
import { Agent, request } from "undici";

/**
 * Slack's response URLs of a burst all share one host: a few kept-alive connections carry every answer, instead of
 * a new connection (and TLS handshake) per answer as Bolt's own respond opens when 200 are sent at once.
 */
const slackResponses = new Agent({ connections: 16, keepAliveTimeout: 30_000 });

/** Answers through a request's response_url; rejects when Slack does not accept the answer. */
export function respondTo(responseUrl: string): RespondFn {
  return async (message) => {
    const { statusCode, body } = await request(responseUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(typeof message === "string" ? { text: message } : message),
      dispatcher: slackResponses,
    });
    const answer = await body.text();
    if (statusCode >= 300) throw new Error(`response_url answered ${statusCode}: ${answer.slice(0, 200)}`);
  };
}

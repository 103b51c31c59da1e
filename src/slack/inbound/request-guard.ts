import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { Counter } from "prom-client";
import { BODY_TIMEOUT_MS, MAX_BODY_BYTES, readBounded } from "../../net/http/bounded-body.js";
import type { Logger } from "../../ports/logger.js";
import type { ReplayGuard } from "../../ports/replay-guard.js";
import { StoreUnavailableError } from "../../ports/store-unavailable.js";
import { readPayload, type SlackBody } from "./payload-schema.js";
import { checkSlackSignature, SLACK_WINDOW_SECONDS } from "./slack-signature.js";

const refused = new Counter({
  name: "phasegate_slack_requests_refused_total",
  help: "Requests to Slack's endpoint refused before Bolt saw them, by reason",
  labelNames: ["reason"] as const,
});

export interface RequestGuardOptions {
  signingSecret: string;
  /** The signatures already received, shared by every replica (Redis). */
  replays: ReplayGuard;
  /** Slack's endpoint path; other paths (health, metrics) go straight through. */
  endpoint: string;
  logger: Logger;
  maxBodyBytes?: number;
  bodyTimeoutMs?: number;
  /**
   * Told about each request once its signature is checked, before the replay check's round trip to Redis (the
   * AckGate counts it until its response closes, whether Bolt acks it or the guard refuses it).
   */
  onSigned?: (response: ServerResponse) => void;
  /** Gets each request to Slack's endpoint that passed every check, its body read (`rawBody`) and parsed. */
  accepted: (request: AcceptedRequest, body: SlackBody, response: ServerResponse) => void;
  now?: () => Date;
}

/** A request to Slack's endpoint whose body the guard has read, as Bolt's own receiver leaves it. */
export type AcceptedRequest = IncomingMessage & { rawBody: Buffer };

type Verdict =
  | { ok: true; raw: Buffer; body: SlackBody }
  | { ok: false; status: number; reason: string; detail: string; answer?: string };

function refuse(status: number, reason: string, detail: string): Verdict {
  return { ok: false, status, reason, detail };
}

/**
 * Fail closed: a request whose replay check could not be made is not carried out. Slack shows a slash command's
 * answer to its user, so the refusal is a 200 with an ephemeral message (a 5xx would read "dispatch_failed").
 */
const REPLAY_CHECK_DOWN: Verdict = {
  ok: false,
  status: 200,
  reason: "replay-check-unavailable",
  detail: "Redis did not answer the replay check",
  answer: JSON.stringify({
    response_type: "ephemeral",
    text: ":warning: phasegate cannot reach Redis to check that this request was not sent before, so nothing was done and nothing will be done later. Try again once Redis is back (the operators see it on /readyz).",
  }),
};

/** First use of the signature, a replay, or the check could not be made (Redis unreachable). */
async function replayVerdict(
  replays: ReplayGuard,
  signature: string,
  ttlMs: number,
): Promise<Verdict | null> {
  try {
    if (await replays.firstUse(signature, ttlMs)) return null;
    return refuse(401, "replayed", "this signed request was already received");
  } catch (error) {
    if (error instanceof StoreUnavailableError) return REPLAY_CHECK_DOWN;
    throw error;
  }
}

/**
 * The path as Bolt's HTTPReceiver routes the others: its URL's pathname, where `/slack/./events` and `/slack\events`
 * are `/slack/events`, as Slack's endpoint is for any HTTP server. Null when the URL cannot be read at all (Bolt
 * cannot route it either).
 */
function routedPath(url: string | undefined): string | null {
  try {
    return new URL(url ?? "/", "http://localhost").pathname;
  } catch {
    return null;
  }
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === "string" ? value : undefined;
}

/**
 * Slack's endpoint: a bounded body (413 past the limit, before it is buffered; 408 when it is not sent in time), a
 * valid signature within Slack's window seen for the first time (401 otherwise) and a payload we can read (400);
 * then `accepted`, with the body read and parsed once. Every other path and method goes to `others`.
 */
export function guardRequests(others: RequestListener, options: RequestGuardOptions): RequestListener {
  const now = options.now;
  const nowMs = now ? () => now().getTime() : Date.now;
  const limit = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const timeoutMs = options.bodyTimeoutMs ?? BODY_TIMEOUT_MS;

  async function verdictOf(request: IncomingMessage, response: ServerResponse): Promise<Verdict> {
    const read = await readBounded(request, limit, timeoutMs);
    if (!read.ok) return read;
    const signature = header(request, "x-slack-signature");
    const checked = checkSlackSignature(
      options.signingSecret,
      { signature, timestamp: header(request, "x-slack-request-timestamp") },
      read.body,
      nowMs(),
    );
    if (!checked.ok) return refuse(401, "signature", checked.reason);
    options.onSigned?.(response);
    // Remembered as long as its timestamp passes the window check: a replay after that is refused as too old.
    const ttlMs = (checked.timestamp + SLACK_WINDOW_SECONDS) * 1000 - nowMs();
    const replayed = await replayVerdict(options.replays, signature as string, ttlMs);
    if (replayed) return replayed;
    const payload = readPayload(read.body.toString("utf8"), header(request, "content-type"));
    if (!payload.ok) return refuse(400, "malformed", payload.reason);
    return { ok: true, raw: read.body, body: payload.body };
  }

  return (request, response) => {
    if (routedPath(request.url) !== options.endpoint || request.method?.toUpperCase() !== "POST") {
      others(request, response);
      return;
    }
    verdictOf(request, response).then(
      (verdict) => {
        if (verdict.ok) {
          options.accepted(Object.assign(request, { rawBody: verdict.raw }), verdict.body, response);
          return;
        }
        refused.inc({ reason: verdict.reason });
        options.logger.warn(
          { reason: verdict.reason, detail: verdict.detail, remote: request.socket.remoteAddress },
          "Slack endpoint request refused",
        );
        if (verdict.answer !== undefined) {
          response.writeHead(verdict.status, { "content-type": "application/json" }).end(verdict.answer);
          return;
        }
        // The rest of a refused body is never read: the connection closes once the answer is out.
        response.shouldKeepAlive = false;
        response.writeHead(verdict.status, { "content-type": "text/plain", connection: "close" });
        response.end(`${verdict.reason}: ${verdict.detail}\n`, () => request.destroy());
      },
      (error: unknown) => {
        options.logger.error({ err: error }, "request guard failed");
        response.writeHead(500).end();
      },
    );
  };
}

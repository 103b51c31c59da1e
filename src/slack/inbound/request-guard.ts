import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { Counter } from "prom-client";
import type { Logger } from "../../ports/logger.js";
import type { ReplayGuard } from "../../ports/replay-guard.js";
import { StoreUnavailableError } from "../../ports/store-unavailable.js";
import { malformedPayload } from "./payload-schema.js";
import { checkSlackSignature, SLACK_WINDOW_SECONDS } from "./slack-signature.js";

/**
 * The largest body Slack's endpoint accepts. Slack's largest payloads are interactions carrying a whole message or
 * view: a modal holds at most 100 blocks of at most 3,000 characters (~300 KB of text), which JSON escaping and
 * form encoding can roughly triple; our own messages hold at most 50 blocks. 1 MiB is above that worst case and
 * keeps a burst of refused bodies small.
 */
export const MAX_BODY_BYTES = 1024 * 1024;
/** A client that has sent its headers has this long to send its whole body. */
export const BODY_TIMEOUT_MS = 5000;

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
  /** Told about each request that passed, before Bolt sees it (the AckGate counts them). */
  onAccepted?: (response: ServerResponse) => void;
  now?: () => Date;
}

type Verdict =
  | { ok: true; body: Buffer }
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

/** Reads the body up to the limit and within the time allowed; never buffers more than the limit. */
function readBounded(request: IncomingMessage, limit: number, timeoutMs: number): Promise<Verdict> {
  const declared = Number(request.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit)
    return Promise.resolve(refuse(413, "too-large", `content-length ${declared} over ${limit} bytes`));
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (verdict: Verdict) => {
      clearTimeout(timer);
      request.off("data", onData).off("end", onEnd).off("error", onError);
      request.pause();
      resolve(verdict);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) finish(refuse(413, "too-large", `body over ${limit} bytes`));
      else chunks.push(chunk);
    };
    const onEnd = () => finish({ ok: true, body: Buffer.concat(chunks, size) });
    const onError = (error: Error) => finish(refuse(400, "aborted", error.message));
    const timer = setTimeout(
      () => finish(refuse(408, "body-timeout", `body not received within ${timeoutMs} ms`)),
      timeoutMs,
    );
    request.on("data", onData).on("end", onEnd).on("error", onError);
  });
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === "string" ? value : undefined;
}

/**
 * In front of Bolt's request listener: Slack's endpoint gets a bounded body (413 past the limit, before it is
 * buffered; 408 when it is not sent in time), a valid signature within Slack's window seen for the first time
 * (401 otherwise) and a payload we can read (400), before Bolt buffers or parses anything. Bolt then finds the
 * body already read (`rawBody`) and checks the signature again.
 */
export function guardRequests(inner: RequestListener, options: RequestGuardOptions): RequestListener {
  const now = options.now ?? (() => new Date());
  const limit = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const timeoutMs = options.bodyTimeoutMs ?? BODY_TIMEOUT_MS;

  async function verdictOf(request: IncomingMessage): Promise<Verdict> {
    const read = await readBounded(request, limit, timeoutMs);
    if (!read.ok) return read;
    const signature = header(request, "x-slack-signature");
    const checked = checkSlackSignature(
      options.signingSecret,
      { signature, timestamp: header(request, "x-slack-request-timestamp") },
      read.body,
      now().getTime(),
    );
    if (!checked.ok) return refuse(401, "signature", checked.reason);
    // Remembered as long as its timestamp passes the window check: a replay after that is refused as too old.
    const ttlMs = (checked.timestamp + SLACK_WINDOW_SECONDS) * 1000 - now().getTime();
    const replayed = await replayVerdict(options.replays, signature as string, ttlMs);
    if (replayed) return replayed;
    const malformed = malformedPayload(read.body.toString("utf8"), header(request, "content-type"));
    if (malformed) return refuse(400, "malformed", malformed);
    return read;
  }

  return (request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (path !== options.endpoint || request.method !== "POST") {
      inner(request, response);
      return;
    }
    verdictOf(request).then(
      (verdict) => {
        if (verdict.ok) {
          Object.assign(request, { rawBody: verdict.body });
          options.onAccepted?.(response);
          inner(request, response);
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

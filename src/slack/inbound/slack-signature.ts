import { createHmac, timingSafeEqual } from "node:crypto";

/** Slack refuses to sign for, and we refuse to execute, requests older (or newer) than five minutes. */
export const SLACK_WINDOW_SECONDS = 300;

export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: string };

/** Slack's v0 request signature: HMAC-SHA256 of `v0:{timestamp}:{raw body}`, the timestamp within the window. */
export function checkSlackSignature(
  secret: string,
  headers: { signature: string | undefined; timestamp: string | undefined },
  body: Buffer,
  nowMs: number,
): SignatureCheck {
  const timestamp = Number(headers.timestamp);
  if (!headers.signature || !Number.isInteger(timestamp))
    return { ok: false, reason: "missing x-slack-signature or x-slack-request-timestamp" };
  if (Math.abs(nowMs / 1000 - timestamp) > SLACK_WINDOW_SECONDS)
    return { ok: false, reason: "request timestamp outside Slack's five-minute window" };
  const expected = Buffer.from(
    `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:`).update(body).digest("hex")}`,
  );
  const given = Buffer.from(headers.signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: "signature mismatch" };
  return { ok: true, timestamp };
}

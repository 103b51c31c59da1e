import type { IncomingMessage } from "node:http";

/**
 * The largest body Slack's endpoint (and the pipeline API) accepts. Slack's largest payloads are interactions
 * carrying a whole message or view: a modal holds at most 100 blocks of at most 3,000 characters (~300 KB of text),
 * which JSON escaping and form encoding can roughly triple; our own messages hold at most 50 blocks. 1 MiB is above
 * that worst case and keeps a burst of refused bodies small.
 */
export const MAX_BODY_BYTES = 1024 * 1024;
/** A client that has sent its headers has this long to send its whole body. */
export const BODY_TIMEOUT_MS = 5000;

export type BodyRead =
  | { ok: true; body: Buffer }
  | { ok: false; status: 400 | 408 | 413; reason: "too-large" | "aborted" | "body-timeout"; detail: string };

/** Reads the body up to the limit and within the time allowed; never buffers more than the limit. */
export function readBounded(request: IncomingMessage, limit: number, timeoutMs: number): Promise<BodyRead> {
  const declared = Number(request.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit)
    return Promise.resolve({
      ok: false,
      status: 413,
      reason: "too-large",
      detail: `content-length ${declared} over ${limit} bytes`,
    });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (read: BodyRead) => {
      clearTimeout(timer);
      request.off("data", onData).off("end", onEnd).off("error", onError);
      request.pause();
      resolve(read);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit)
        finish({ ok: false, status: 413, reason: "too-large", detail: `body over ${limit} bytes` });
      else chunks.push(chunk);
    };
    // A Slack request's body usually arrives in one chunk: no copy then.
    const onEnd = () =>
      finish({ ok: true, body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size) });
    const onError = (error: Error) =>
      finish({ ok: false, status: 400, reason: "aborted", detail: error.message });
    const timer = setTimeout(
      () =>
        finish({
          ok: false,
          status: 408,
          reason: "body-timeout",
          detail: `body not received within ${timeoutMs} ms`,
        }),
      timeoutMs,
    );
    request.on("data", onData).on("end", onEnd).on("error", onError);
  });
}

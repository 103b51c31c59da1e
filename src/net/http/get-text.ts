import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";

/** As fetch: at most 20 redirects followed. */
const MAX_REDIRECTS = 20;
/** A version endpoint answers a few bytes; one that streams without end must not fill the worker's memory. */
const MAX_TEXT_BYTES = 1024 * 1024;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export interface TextAnswer {
  status: number;
  body: string;
}

/**
 * What `fetch(url)` then `response.text()` answer for a GET (redirects followed, the body read as UTF-8, at most
 * 1 MiB of it), in at most `timeoutMs` and until `signal` aborts, with node:http. fetch keeps each request's state
 * reachable through weak references and its abort signals until a full GC: with a thousand rollouts polled, every
 * poll's request outlived the young generation and swelled the old one (about half of what the worker promoted,
 * tens of MB of RSS).
 */
export async function getText(url: string, timeoutMs: number, signal?: AbortSignal): Promise<TextAnswer> {
  const controller = new AbortController();
  const forward = () => controller.abort(signal?.reason);
  if (signal?.aborted) forward();
  else signal?.addEventListener("abort", forward, { once: true });
  const timer = setTimeout(
    () => controller.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError")),
    timeoutMs,
  );
  try {
    for (let target = new URL(url), redirects = 0; ; redirects++) {
      const response = await get(target, controller.signal);
      const location = response.headers.location;
      if (!REDIRECT_STATUSES.has(response.statusCode ?? 0) || location === undefined)
        return { status: response.statusCode ?? 0, body: await readText(response, controller.signal) };
      response.resume();
      if (redirects === MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
      target = new URL(location, target);
    }
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", forward);
  }
}

function get(url: URL, signal: AbortSignal): Promise<IncomingMessage> {
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    request(url, { signal }, resolve)
      .on("error", (error) => reject(signal.aborted ? signal.reason : error))
      .end();
  });
}

async function readText(response: IncomingMessage, signal: AbortSignal): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  try {
    for await (const chunk of response) {
      bytes += (chunk as Buffer).length;
      if (bytes > MAX_TEXT_BYTES) {
        response.destroy();
        throw new Error(`answered more than ${MAX_TEXT_BYTES / 1024 / 1024} MiB, not a version`);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    throw signal.aborted ? signal.reason : error;
  }
  // TextDecoder, as response.text(): a byte order mark is dropped.
  return new TextDecoder().decode(Buffer.concat(chunks));
}

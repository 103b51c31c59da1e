import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * A request with a body does not keep its connection (`Connection: close` on its answer), so that a body not read to
 * its end (refused before it was read, or cut off at a limit) is not read at all: on a kept connection Node reads and
 * drops the rest, however large or slow it is (a client without a token had the server take in 100 MB after its
 * 401). Called as the request arrives.
 */
export function closeAfterBody(request: IncomingMessage, response: ServerResponse): void {
  const { "content-length": length, "transfer-encoding": encoding } = request.headers;
  if (encoding !== undefined || Number(length ?? 0) > 0) response.shouldKeepAlive = false;
}

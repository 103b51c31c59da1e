import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * Closes the connection once the answer is out when the request's body was not read to its end (refused before it
 * was read, or cut off at a limit). Node would otherwise read and drop the rest to keep the connection open, however
 * large or slow it is: a client without a token could have the server take in 100 MB after its 401.
 */
export function closeUnreadOnAnswer(request: IncomingMessage, response: ServerResponse): void {
  response.once("finish", () => {
    if (!request.complete) request.destroy();
  });
}

import type { ServerResponse } from "node:http";

/** What `pourAnswer` has written, summed over every answer given the same counter. */
export interface Poured {
  sent: number;
}

/**
 * Answers 200 with a JSON object that opens with `opening` (ending inside a string) and goes on with a padding of
 * "x" in 1 MiB writes until `poured.sent` reaches `totalBytes` or the client closes the connection: an answer of
 * hundreds of MB, from a server (or something in its place) that streams without end. Each write waits for drain.
 */
export function pourAnswer(
  response: ServerResponse,
  opening: string,
  totalBytes: number,
  poured: Poured,
): void {
  response.writeHead(200, { "content-type": "application/json" });
  response.write(opening);
  const chunk = Buffer.alloc(1024 * 1024, "x");
  const pour = () => {
    while (!response.destroyed && poured.sent < totalBytes) {
      poured.sent += chunk.length;
      if (!response.write(chunk)) return void response.once("drain", pour);
    }
    response.end('"}');
  };
  pour();
}

/** Answers 200 with JSON whose body never finishes: "{", then a space every `everyMs` until the client goes. */
export function dribbleAnswer(response: ServerResponse, everyMs: number): void {
  response.writeHead(200, { "content-type": "application/json" });
  response.write("{");
  const drip = setInterval(() => response.write(" "), everyMs);
  response.on("close", () => clearInterval(drip));
}

import http from "node:http";

/**
 * POSTs `totalBytes` of junk to the URL in 64 KiB chunks, unsigned, as an attacker would; with `declareLength` the
 * size is announced in Content-Length, else the body is chunked. `rawPath` is sent as the request's path exactly as
 * written (a URL would resolve `/./` first). Resolves with the HTTP status the server answered (or "reset" when it
 * closed the connection without one) and how many bytes were sent before it stopped us.
 */
export function oversizedPost(
  url: string,
  totalBytes: number,
  declareLength: boolean,
  rawPath?: string,
): Promise<{ status: number | "reset"; sentBytes: number }> {
  const chunk = Buffer.alloc(64 * 1024, "a");
  return new Promise((resolve) => {
    let sent = 0;
    let settled = false;
    const done = (status: number | "reset") => {
      if (settled) return;
      settled = true;
      request.destroy();
      resolve({ status, sentBytes: sent });
    };
    const request = http.request(url, {
      method: "POST",
      agent: false,
      ...(rawPath ? { path: rawPath } : {}),
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        ...(declareLength ? { "content-length": String(totalBytes) } : {}),
      },
    });
    request.on("response", (response) => {
      response.resume();
      done(response.statusCode ?? 0);
    });
    request.on("error", () => done("reset"));
    const pump = () => {
      while (!settled && sent < totalBytes) {
        sent += chunk.length;
        if (!request.write(chunk)) {
          request.once("drain", pump);
          return;
        }
      }
      if (!settled) request.end();
    };
    pump();
  });
}

import { connect } from "node:net";

export interface UnreadBodyOutcome {
  /** The status answered, or "reset" when the connection closed before one. */
  status: number | "reset";
  /** Everything received after the status line (headers and body). */
  answer: string;
  /** How much of the body was sent before the server closed the connection (all of it when it read it all). */
  sentBytes: number;
}

/**
 * POSTs `totalBytes` (declared in Content-Length, on a keep-alive connection as HTTP/1.1 clients have) to `path` on
 * 127.0.0.1:`port`, and goes on sending after the answer, as a client that does not wait for answers would, until
 * the server closes the connection or the whole body is sent. A raw socket: Node's client stops on an answer.
 */
export function postWithoutListening(
  port: number,
  path: string,
  headers: Record<string, string>,
  totalBytes: number,
): Promise<UnreadBodyOutcome> {
  const chunk = Buffer.alloc(64 * 1024, "a");
  const head = Object.entries({ host: `127.0.0.1:${port}`, ...headers, "content-length": String(totalBytes) })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("");
  return new Promise((resolve) => {
    let sent = 0;
    let received = "";
    const socket = connect(port, "127.0.0.1");
    socket.on("data", (data: Buffer) => (received += data.toString()));
    socket.on("error", () => undefined);
    socket.on("close", () => {
      const status = /^HTTP\/1\.1 (\d{3})/.exec(received)?.[1];
      resolve({
        status: status ? Number(status) : "reset",
        answer: received.slice(received.indexOf("\r\n") + 2),
        sentBytes: sent,
      });
    });
    const pump = () => {
      while (!socket.destroyed && sent < totalBytes) {
        sent += chunk.length;
        if (!socket.write(chunk)) {
          socket.once("drain", pump);
          return;
        }
      }
      // All sent and read: the server keeps the connection, this client is done with it.
      if (!socket.destroyed) setTimeout(() => socket.destroy(), 500);
    };
    socket.write(`POST ${path} HTTP/1.1\r\n${head}\r\n`);
    pump();
  });
}

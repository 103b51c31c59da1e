import { connect, type Socket } from "node:net";

/**
 * A plain TCP connection to 127.0.0.1:`port` that writes HTTP as told, byte for byte, and keeps everything it receives
 * (a client's library would complete, pool or retry what a slow or flooding client does on purpose).
 */
export class RawClient {
  readonly socket: Socket;
  received = "";
  readonly connected: Promise<void>;
  /** Resolves when the connection closes (by either side, a reset included), with the ms since it was opened. */
  readonly closed: Promise<number>;

  constructor(readonly port: number) {
    const opened = Date.now();
    this.socket = connect(port, "127.0.0.1");
    this.socket.on("data", (chunk: Buffer) => (this.received += chunk.toString()));
    this.socket.on("error", () => undefined);
    this.connected = new Promise((resolve, reject) => {
      this.socket.once("connect", () => resolve());
      this.socket.once("error", reject);
    });
    this.connected.catch(() => undefined);
    this.closed = new Promise((resolve) => this.socket.once("close", () => resolve(Date.now() - opened)));
  }

  /** Writes a request that asks the server to close the connection once answered. */
  send(method: string, path: string, json?: unknown): this {
    const body = json === undefined ? "" : JSON.stringify(json);
    const type = json === undefined ? "" : "Content-Type: application/json\r\n";
    if (!this.socket.destroyed)
      this.socket.write(
        `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${this.port}\r\n${type}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    return this;
  }

  /** What was received by the time the connection closed. */
  async answer(): Promise<string> {
    await this.closed;
    return this.received;
  }

  /** Resolves once `text` has been received; rejects if the connection closes first. */
  async waitFor(text: string): Promise<void> {
    let closed = false;
    void this.closed.then(() => (closed = true));
    while (!this.received.includes(text)) {
      if (closed) throw new Error(`closed before "${text}" came; received: ${this.received}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

/** GETs `path` on a connection of its own; the answer, status line first. */
export function rawGet(port: number, path: string): Promise<string> {
  return new RawClient(port).send("GET", path).answer();
}

/**
 * A slowloris client: a GET's headers a line every `everyMs`, never the blank line that ends them, until the server
 * closes the connection or `giveUpMs` pass. What it received then, and after how long.
 */
export async function dribbleHeaders(
  port: number,
  everyMs: number,
  giveUpMs: number,
): Promise<{ answer: string; closedAfterMs: number }> {
  const client = new RawClient(port);
  await client.connected;
  client.socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`);
  let line = 0;
  const drip = setInterval(() => client.socket.write(`X-Line-${++line}: still coming\r\n`), everyMs);
  const giveUp = setTimeout(() => client.close(), giveUpMs);
  const closedAfterMs = await client.closed;
  clearInterval(drip);
  clearTimeout(giveUp);
  return { answer: client.received, closedAfterMs };
}

/** Opens `count` connections that send nothing, once all are connected. */
export async function holdConnections(port: number, count: number): Promise<RawClient[]> {
  const clients = Array.from({ length: count }, () => new RawClient(port));
  await Promise.all(clients.map((client) => client.connected));
  return clients;
}

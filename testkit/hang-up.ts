import { once } from "node:events";
import { createServer } from "node:net";

/** A loopback server that takes each connection and at once closes it, or resets it, before reading a byte. */
export interface HangUp {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** How the next connections end: closed (FIN) or reset (RST). */
  how: "close" | "reset";
  /** The connections taken so far. */
  connections: number;
  close(): Promise<void>;
}

/** A server, or a proxy or load balancer in its place, that drops every connection before answering. */
export async function hangUpServer(): Promise<HangUp> {
  const server = createServer((socket) => {
    hangUp.connections += 1;
    socket.on("error", () => undefined);
    if (hangUp.how === "reset") socket.resetAndDestroy();
    else socket.destroy();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("the hang-up server has no port");
  const hangUp: HangUp = {
    url: `http://127.0.0.1:${address.port}`,
    how: "close",
    connections: 0,
    close: async () => {
      server.close();
      await once(server, "close");
    },
  };
  return hangUp;
}

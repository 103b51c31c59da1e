import { createServer, type Server } from "node:http";
import { connect, type Socket } from "node:net";

/** An HTTP proxy on loopback that only tunnels (CONNECT), as corporate egress proxies do; it records each target. */
export interface ConnectProxy {
  url: string;
  /** host:port of every tunnel asked for, in order. */
  tunnels: string[];
  /** Answer 403 to the next CONNECT requests instead of tunnelling. */
  refuse: boolean;
  /** The Proxy-Authorization header of every CONNECT, in order ("" when none was sent). */
  authorizations: string[];
  close(): Promise<void>;
}

export interface ConnectProxyOptions {
  /** Tunnel only for these credentials (Basic): anything else is answered 407, as an authenticating proxy does. */
  credentials?: { user: string; password: string };
}

export async function startConnectProxy(options: ConnectProxyOptions = {}): Promise<ConnectProxy> {
  const expected =
    options.credentials &&
    `Basic ${Buffer.from(`${options.credentials.user}:${options.credentials.password}`).toString("base64")}`;
  const sockets = new Set<Socket>();
  const server: Server = createServer((_, response) => {
    response.writeHead(405).end("this proxy only tunnels (CONNECT)\n");
  });
  const proxy: ConnectProxy = {
    url: "",
    tunnels: [],
    refuse: false,
    authorizations: [],
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  server.on("connect", (request, client: Socket, head: Buffer) => {
    const target = request.url ?? "";
    proxy.tunnels.push(target);
    const authorization = request.headers["proxy-authorization"] ?? "";
    proxy.authorizations.push(authorization);
    sockets.add(client);
    if (proxy.refuse) {
      client.end("HTTP/1.1 403 Forbidden\r\n\r\n");
      return;
    }
    if (expected && authorization !== expected) {
      client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n',
      );
      return;
    }
    const [host, port] = [
      target.slice(0, target.lastIndexOf(":")),
      Number(target.slice(target.lastIndexOf(":") + 1)),
    ];
    const upstream = connect(port, host.replace(/^\[|\]$/g, ""), () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on("error", close);
    client.on("error", close);
  });
  server.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const address = server.address();
  proxy.url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  return proxy;
}

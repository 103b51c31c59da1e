import { connect, createServer, type Server, type Socket } from "node:net";

/**
 * What the proxy does with connections: `pass` forwards both ways; `refuse` stops listening (a connect is
 * refused) and resets live connections; `blackhole` accepts connections and lets nothing through, either way.
 */
export type ProxyMode = "pass" | "refuse" | "blackhole";

/** A TCP proxy on loopback in front of a server (PostgreSQL), whose faults a test switches on and off. */
export class TcpProxy {
  private server: Server | null = null;
  private readonly live = new Set<Socket>();
  private mode: ProxyMode = "pass";
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<this> {
    await this.listen();
    return this;
  }

  async set(mode: ProxyMode): Promise<void> {
    this.mode = mode;
    if (mode === "refuse") {
      for (const socket of this.live) socket.resetAndDestroy();
      await this.unlisten();
    } else if (!this.server) {
      await this.listen();
    }
  }

  async stop(): Promise<void> {
    for (const socket of this.live) socket.destroy();
    await this.unlisten();
  }

  private track(socket: Socket): void {
    this.live.add(socket);
    socket.on("close", () => this.live.delete(socket));
    socket.on("error", () => socket.destroy());
  }

  private accept(client: Socket): void {
    this.track(client);
    if (this.mode === "blackhole") return;
    const upstream = connect(this.targetPort, this.targetHost);
    this.track(upstream);
    // Data goes through only while passing: a blackhole switched on later swallows it.
    client.on("data", (chunk) => this.mode === "pass" && upstream.write(chunk));
    upstream.on("data", (chunk) => this.mode === "pass" && client.write(chunk));
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  }

  private async listen(): Promise<void> {
    const server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    const address = server.address();
    if (typeof address === "object" && address !== null) this.port = address.port;
    this.server = server;
  }

  private async unlisten(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}

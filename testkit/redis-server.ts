import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { Redis } from "ioredis";
import { freePort } from "../src/net/free-ports.js";

/**
 * A redis-server of a test's own on a free loopback port, without persistence (`--save ""`): killing and starting
 * it again gives an empty Redis, the way a restarted cache without a volume comes back.
 */
export class RedisServer {
  private child: ChildProcess | null = null;

  private constructor(readonly port: number) {}

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort());
    await server.launch();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  private async launch(): Promise<void> {
    this.child = spawn(
      "redis-server",
      ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      { stdio: "ignore" },
    );
    const probe = new Redis(this.port, "127.0.0.1", { lazyConnect: true, retryStrategy: () => 50 });
    probe.on("error", () => undefined);
    const deadline = Date.now() + 10_000;
    while ((await probe.ping().catch(() => null)) !== "PONG") {
      if (Date.now() > deadline) throw new Error(`redis-server on ${this.port} did not start`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    probe.disconnect();
  }

  /** SIGKILL: everything in it is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = once(child, "exit");
    child.kill("SIGKILL");
    await exited;
    this.child = null;
  }

  /** Killed and started again on the same port, empty. */
  async restartEmpty(): Promise<void> {
    await this.kill();
    await this.launch();
  }

  /** SIGSTOP: connections stay open, nothing is answered until `resume`. */
  pause(): void {
    this.child?.kill("SIGSTOP");
  }

  resume(): void {
    this.child?.kill("SIGCONT");
  }

  async stop(): Promise<void> {
    this.resume();
    await this.kill();
  }
}

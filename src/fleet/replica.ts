import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { parseCounters, type ReplicaCounters, replicaCountersSchema } from "./replica-counters.js";

export interface ReplicaSpec {
  python: string;
  /** Directory of the example shop's manage.py (the traffic package lives there). */
  shopDir: string;
  databaseUrl: string;
  version: string;
  slot: number;
  port: number;
  pauseMs: number;
  /** Its requests fail from the start (a broken release). */
  broken?: boolean;
}

const READY_TIMEOUT_MS = 60_000;

async function reportedVersion(port: number): Promise<string | null> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/version`, { signal: AbortSignal.timeout(2_000) });
    const body = (await response.json()) as { version?: unknown };
    return typeof body.version === "string" ? body.version : null;
  } catch {
    return null;
  }
}

/** One running instance of the shop: a Python process looping over the ORM, serving /version on its slot's port. */
export class Replica {
  private stdout = "";
  private stderr = "";
  private readonly exited: Promise<unknown>;

  private constructor(
    readonly spec: ReplicaSpec,
    private readonly child: ChildProcess,
  ) {
    child.stdout?.on("data", (chunk: Buffer) => {
      this.stdout += chunk.toString();
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.exited = once(child, "close");
  }

  get name(): string {
    return `replica ${this.spec.version} in slot ${this.spec.slot} (port ${this.spec.port})`;
  }

  /** Starts the replica and resolves once its /version endpoint answers with its version. */
  static async start(spec: ReplicaSpec): Promise<Replica> {
    const child = spawn(
      spec.python,
      [
        "-m",
        "traffic.replica",
        "--slot",
        String(spec.slot),
        "--port",
        String(spec.port),
        "--pause-ms",
        String(spec.pauseMs),
      ],
      {
        cwd: spec.shopDir,
        env: {
          ...process.env,
          DATABASE_URL: spec.databaseUrl,
          SHOP_CODE_VERSION: spec.version,
          SHOP_BROKEN: spec.broken ? "1" : "0",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const replica = new Replica(spec, child);
    await replica.waitReady();
    return replica;
  }

  private get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (!this.running)
        throw new Error(`${this.name} exited before it was ready: ${this.stderr.trim().slice(-500)}`);
      if ((await reportedVersion(this.spec.port)) === this.spec.version) return;
      await sleep(50);
    }
    this.kill();
    throw new Error(`${this.name} did not answer on /version within ${READY_TIMEOUT_MS / 1000} s`);
  }

  /** Its counters so far (GET /counters), or null when it does not answer. */
  async liveCounters(): Promise<ReplicaCounters | null> {
    try {
      const response = await fetch(`http://127.0.0.1:${this.spec.port}/counters`, {
        signal: AbortSignal.timeout(2_000),
      });
      const parsed = replicaCountersSchema.safeParse(await response.json());
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  /** From now on each of its rounds also fails a request (POST /break). */
  async breakRequests(): Promise<void> {
    const response = await fetch(`http://127.0.0.1:${this.spec.port}/break`, {
      method: "POST",
      signal: AbortSignal.timeout(2_000),
    });
    if (!response.ok) throw new Error(`${this.name} refused to break: HTTP ${response.status}`);
  }

  /** Asks the replica to finish its round and exit (SIGTERM), then reads its counters. */
  async stop(): Promise<ReplicaCounters> {
    if (this.running) this.child.kill("SIGTERM");
    await this.exited;
    if (this.child.exitCode !== 0)
      throw new Error(
        `${this.name} ended with ${this.child.exitCode ?? this.child.signalCode}: ${this.stderr.trim().slice(-500)}`,
      );
    return parseCounters(this.stdout, this.name);
  }

  /** Cleanup after a failure: no counters, no waiting. */
  kill(): void {
    if (this.running) this.child.kill("SIGKILL");
  }
}

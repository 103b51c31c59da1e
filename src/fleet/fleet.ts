import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "../ports/logger.js";
import { Replica, type ReplicaSpec } from "./replica.js";
import type { ReplicaCounters } from "./replica-counters.js";

export interface FleetOptions {
  replica: Omit<ReplicaSpec, "version" | "slot" | "port">;
  /** One fixed port per slot: the slot's URL stays valid while its replica is replaced. */
  ports: number[];
  /** How long a new replica runs before the next slot is replaced (like minReadySeconds). */
  slotPauseMs: number;
  logger: Logger;
}

/** Wall-clock span of one rolling deploy, epoch milliseconds. */
export interface RolloutSpan {
  version: string;
  requestedAt: number;
  /** When the last old replica was stopped and its successor spawned: no rollout can be done before. */
  lastReplacedAt: number | null;
  finishedAt: number | null;
}

/** One slot as it is now: the replica serving it (null while it is being replaced) and that replica's counters. */
export interface SlotState {
  slot: number;
  port: number;
  version: string | null;
  counters: ReplicaCounters | null;
}

/**
 * The shop's instances: one replica per slot. A rollout replaces them one slot at a time (stop the old replica,
 * start the new one on the same port, wait until it answers), like a Deployment with maxSurge 0, maxUnavailable 1.
 */
export class Fleet {
  private readonly live: (Replica | undefined)[];
  private readonly stopped: ReplicaCounters[] = [];
  private readonly spans: RolloutSpan[] = [];
  private target: string | null = null;
  private readonly broken = new Set<string>();
  private rolling: Promise<void> = Promise.resolve();

  constructor(private readonly options: FleetOptions) {
    this.live = options.ports.map(() => undefined);
  }

  versionUrls(): string[] {
    return this.options.ports.map((port) => `http://127.0.0.1:${port}/version`);
  }

  /** Where Prometheus scrapes each slot's replica (GET /metrics: shop_requests_total, shop_errors_total). */
  metricsTargets(): string[] {
    return this.options.ports.map((port) => `127.0.0.1:${port}`);
  }

  /** The version's replicas fail requests from now on: those running, and those started later. */
  async breakVersion(version: string): Promise<void> {
    this.broken.add(version);
    await Promise.all(this.live.filter((r) => r?.spec.version === version).map((r) => r?.breakRequests()));
  }

  get rollouts(): readonly RolloutSpan[] {
    return this.spans;
  }

  /** Time the finished rolling deploys took, from the request to the last new replica answering; null for none. */
  rolloutMs(): number | null {
    if (this.spans.length === 0) return null;
    return this.spans.reduce((sum, s) => sum + (s.finishedAt === null ? 0 : s.finishedAt - s.requestedAt), 0);
  }

  private startReplica(slot: number, version: string): Promise<Replica> {
    const port = this.options.ports[slot];
    if (port === undefined) throw new Error(`no slot ${slot}`);
    return Replica.start({ ...this.options.replica, version, slot, port, broken: this.broken.has(version) });
  }

  async start(version: string): Promise<void> {
    this.target = version;
    await Promise.all(
      this.live.map(async (_, slot) => {
        this.live[slot] = await this.startReplica(slot, version);
      }),
    );
  }

  /** Starts a rolling deploy in the background; asking again for the version already targeted changes nothing. */
  requestRollout(version: string): string {
    if (this.target === version) return `already rolling out or running ${version}`;
    this.target = version;
    const span: RolloutSpan = { version, requestedAt: Date.now(), lastReplacedAt: null, finishedAt: null };
    this.spans.push(span);
    this.rolling = this.rolling.then(async () => {
      await this.roll(span);
      span.finishedAt = Date.now();
    });
    return `rolling ${this.live.length} replicas to ${version}, one at a time`;
  }

  private async roll(span: RolloutSpan): Promise<void> {
    const { version } = span;
    for (const [slot, replica] of this.live.entries()) {
      if (replica?.spec.version === version) continue;
      if (replica) {
        this.live[slot] = undefined;
        this.stopped.push(await replica.stop());
      }
      span.lastReplacedAt = Date.now();
      this.live[slot] = await this.startReplica(slot, version);
      this.options.logger.info({ slot, version }, "replica replaced");
      if (slot < this.live.length - 1) await sleep(this.options.slotPauseMs);
    }
  }

  /** Resolves when the rollouts requested so far are done (rejects when a new replica did not come up). */
  rolledOut(): Promise<void> {
    return this.rolling;
  }

  /** Every slot's replica and its live counters, and the final counters of every replica already stopped. */
  async snapshot(): Promise<{ slots: SlotState[]; stopped: readonly ReplicaCounters[] }> {
    const slots = await Promise.all(
      this.live.map(async (replica, slot) => ({
        slot,
        port: this.options.ports[slot] ?? 0,
        version: replica?.spec.version ?? null,
        counters: replica ? await replica.liveCounters() : null,
      })),
    );
    return { slots, stopped: [...this.stopped] };
  }

  /** Waits for the rollout in progress, stops every replica and returns the counters of every replica that ran. */
  async stop(): Promise<ReplicaCounters[]> {
    await this.rolling;
    for (const [slot, replica] of this.live.entries()) {
      this.live[slot] = undefined;
      if (replica) this.stopped.push(await replica.stop());
    }
    return this.stopped;
  }

  /** Cleanup after a failure: every live replica is killed. */
  kill(): void {
    for (const replica of this.live) replica?.kill();
  }
}

import { setTimeout as sleep } from "node:timers/promises";
import type {
  AttemptProcess,
  AttemptProcesses,
  EarlierProcesses,
  ProcessLedger,
} from "../ports/attempt-processes.js";
import type { Logger } from "../ports/logger.js";
import { groupAlive, signalGroup, thisMachine } from "./machine.js";

export interface EarlierProcessesOptions {
  /** How often the recorded processes are looked at again while one is left. */
  pollMs?: number;
  /** Time between SIGTERM and SIGKILL when a process past its deadline is stopped. */
  killGraceMs?: number;
}

/**
 * Waits for the processes an earlier attempt of a run's step left, as the ledger recorded them. On this machine a
 * process group is watched until none of it is left, and killed (SIGTERM, then SIGKILL) once past the deadline its
 * own worker would have stopped it at (that worker may be frozen: SIGSTOP, a VM pause). On another machine nothing
 * can be seen: it counts as gone once its record is forgotten (its worker saw it end) or its deadline passed.
 */
export class LedgerAttemptProcesses implements AttemptProcesses {
  private readonly pollMs: number;
  private readonly killGraceMs: number;

  constructor(
    private readonly ledger: ProcessLedger,
    private readonly logger: Logger,
    options: EarlierProcessesOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 250;
    this.killGraceMs = options.killGraceMs ?? 5_000;
  }

  async awaitGone(runId: string): Promise<EarlierProcesses> {
    const began = Date.now();
    const here = thisMachine();
    let result: EarlierProcesses = { kind: "none" };
    const stopping = new Map<number, number>();
    for (;;) {
      const left: AttemptProcess[] = [];
      for (const p of await this.ledger.list(runId)) {
        const local = p.host === here;
        const gone = local ? !groupAlive(p.pid) : Date.now() > p.deadlineMs;
        if (gone) {
          await this.ledger.forget(p);
          continue;
        }
        left.push(p);
        if (!local) result = { kind: "elsewhere", host: p.host, waitedMs: 0 };
        else if (Date.now() > p.deadlineMs) this.stop(p, stopping);
        else if (result.kind === "none") result = { kind: "ended", waitedMs: 0 };
      }
      if (left.length === 0) break;
      await sleep(this.pollMs);
    }
    const waitedMs = Date.now() - began;
    if (stopping.size > 0) return { kind: "killed", waitedMs };
    return result.kind === "none" ? result : { ...result, waitedMs };
  }

  /** SIGTERM to the group once, SIGKILL after the grace time. */
  private stop(p: AttemptProcess, stopping: Map<number, number>): void {
    const since = stopping.get(p.pid);
    if (since === undefined) {
      this.logger.warn(
        { runId: p.runId, key: p.key, pid: p.pid },
        "an earlier attempt's command is still running past its timeout: stopping its process group",
      );
      stopping.set(p.pid, Date.now());
      signalGroup(p.pid, "SIGTERM");
    } else if (Date.now() - since > this.killGraceMs) {
      signalGroup(p.pid, "SIGKILL");
    }
  }
}

import { type ChildProcess, spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import type { Logger } from "../ports/logger.js";
import { logger as defaultLogger } from "../telemetry/pino-logger.js";
import { CommandProcess, type Spawner, type SpawnRequest, spawnHere } from "./command-process.js";
import { LAUNCHER_PROGRAM } from "./launcher-program.js";
import { groupAlive, signalGroup } from "./machine.js";
import { guardTools } from "./process-guard.js";

/** How long a killed command's end may take to be reported before the launcher is taken for stuck. */
const ANSWER_AFTER_KILL_MS = 5_000;

const id = z.number().int().nonnegative();
const fromLauncher = z.discriminatedUnion("t", [
  z.object({ t: z.literal("spawned"), id, pid: z.number().int().positive() }),
  z.object({ t: z.literal("stdout"), id, data: z.instanceof(Uint8Array) }),
  z.object({ t: z.literal("stderr"), id, data: z.instanceof(Uint8Array) }),
  z.object({ t: z.literal("error"), id, code: z.string().optional(), message: z.string() }),
  z.object({
    t: z.literal("close"),
    id,
    code: z.number().int().nullable(),
    signal: z.string().nullable(),
  }),
]);

/** A command of the launcher: a SIGKILL that is not followed by its end in time means the launcher is stuck. */
class LaunchedCommand extends CommandProcess {
  constructor(private readonly onKilled: () => void) {
    super();
  }

  override kill(signal: NodeJS.Signals): void {
    super.kill(signal);
    if (signal === "SIGKILL") this.onKilled();
  }
}

/**
 * Starts commands from a small process of its own instead of from phasegate's. Forking phasegate (hundreds of MB
 * mapped) blocks its event loop for milliseconds per command (15 ms on a 2-core VM), and each command's own guard
 * (setpriv, Perl and its POSIX module) costs about 40 ms of CPU: a worker's approvals, polls and lock renewals
 * waited behind both. The launcher is a bare Node process, in a session of its own (a terminal's Ctrl-C or
 * tini's group signal is for phasegate to handle), that the kernel sends SIGHUP when phasegate dies
 * (`setpriv --pdeathsig`): it then SIGKILLs every command's process group, as each command's guard would have.
 * Signals go from phasegate to a command's group directly. A launcher that dies is replaced at the next command;
 * phasegate SIGKILLs what it ran and reports it killed once the group is gone.
 */
export class ProcessLauncher {
  private child: ChildProcess | null = null;
  private readonly running = new Map<number, LaunchedCommand>();
  private next = 0;

  constructor(
    private readonly setpriv: string,
    private readonly logger: Logger,
  ) {}

  spawn(request: SpawnRequest): CommandProcess {
    const launcher = this.started();
    const id = this.next++;
    const command = new LaunchedCommand(() => this.watchKill(launcher, id));
    this.running.set(id, command);
    launcher.send({ id, argv: request.argv, cwd: request.cwd, env: request.env });
    return command;
  }

  private started(): ChildProcess {
    if (this.child) return this.child;
    const child = spawn(
      this.setpriv,
      ["--pdeathsig", "SIGHUP", "--", process.execPath, "-e", LAUNCHER_PROGRAM],
      {
        stdio: ["ignore", "ignore", "inherit", "ipc"],
        detached: true,
        serialization: "advanced",
        // Not phasegate's NODE_OPTIONS (an agent it preloads) nor its CA bundle: each command gets its whole
        // environment with its request.
        env: { PATH: process.env.PATH ?? "" },
      },
    );
    // Neither keeps phasegate running: a command's own timeout does while it runs.
    child.unref();
    child.channel?.unref();
    child.on("message", (message: unknown) => this.received(message));
    child.on("error", (error) => this.ended(child, `failed: ${error.message}`));
    child.on("exit", (code, signal) => this.ended(child, signal ? `killed by ${signal}` : `exit ${code}`));
    this.child = child;
    return child;
  }

  private received(message: unknown): void {
    const parsed = fromLauncher.safeParse(message);
    if (!parsed.success) {
      this.logger.error(
        { issues: parsed.error.issues },
        "unreadable message from the process launcher: ignored",
      );
      return;
    }
    const m = parsed.data;
    const command = this.running.get(m.id);
    if (!command) return;
    switch (m.t) {
      case "spawned":
        command.emit("spawn", m.pid);
        return;
      case "stdout":
      case "stderr":
        command.emit(m.t, Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength));
        return;
      case "error":
        this.running.delete(m.id);
        command.emit("error", Object.assign(new Error(m.message), { code: m.code }));
        return;
      case "close":
        this.running.delete(m.id);
        command.emit("close", m.code, m.signal as NodeJS.Signals | null);
    }
  }

  /** A killed command whose end is not reported in time: the launcher is stuck (SIGSTOP?), and is replaced. */
  private watchKill(launcher: ChildProcess, id: number): void {
    setTimeout(() => {
      if (!this.running.has(id) || this.child !== launcher) return;
      this.logger.warn(
        { launcherPid: launcher.pid },
        "the process launcher did not report a killed command's end: killing it, its commands die with it",
      );
      launcher.kill("SIGKILL");
    }, ANSWER_AFTER_KILL_MS).unref();
  }

  /** The launcher is gone: what it ran is killed, and ends as killed once its process group is gone. */
  private ended(launcher: ChildProcess, how: string): void {
    if (this.child !== launcher) return;
    this.child = null;
    const orphans = [...this.running.values()];
    this.running.clear();
    if (orphans.length > 0)
      this.logger.warn(
        { launcherPid: launcher.pid, how, commands: orphans.length },
        "the process launcher ended: the commands it ran are killed with it; the next command starts a new one",
      );
    for (const command of orphans) void this.endOrphan(command, how);
  }

  /** Reported only once nothing of it is left: a step must not run twice. */
  private async endOrphan(command: LaunchedCommand, how: string): Promise<void> {
    const pid = command.pid;
    if (pid !== undefined) {
      signalGroup(pid, "SIGKILL");
      while (groupAlive(pid)) await sleep(20);
    }
    command.emit(
      "stderr",
      Buffer.from(`phasegate: the process launcher ended (${how}), and the command with it\n`),
    );
    command.emit("close", null, "SIGKILL");
  }
}

let shared: ProcessLauncher | undefined;

/**
 * This process's launcher (one, started with its first command), or `spawnHere` where the guard cannot run (no
 * setpriv or perl, not Linux): a long-running worker or bot starts its commands through it.
 */
export function launcherSpawner(): Spawner {
  const tools = guardTools();
  if (tools === null) return spawnHere;
  shared ??= new ProcessLauncher(tools.setpriv, defaultLogger);
  const launcher = shared;
  return (request) => launcher.spawn(request);
}

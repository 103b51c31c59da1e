import { spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import { signalGroup } from "./machine.js";
import { guardedArgv } from "./process-guard.js";

/** What a started command reports, in the order node:child_process reports it. */
type CommandEvents = {
  /** Started: `pid` leads the command's own process group. */
  spawn: [pid: number];
  stdout: [chunk: Buffer];
  stderr: [chunk: Buffer];
  /** Could not be started: it never spawned. */
  error: [error: NodeJS.ErrnoException];
  close: [exitCode: number | null, signal: NodeJS.Signals | null];
};

/**
 * A command started in a process group of its own, which ends if phasegate dies (the process guard, or the
 * launcher). Signals go to the whole group (the command and what it started); one sent before the command spawned
 * is delivered once it has.
 */
export class CommandProcess extends EventEmitter<CommandEvents> {
  private started: number | undefined;
  private pending: NodeJS.Signals | undefined;
  private ended = false;

  constructor() {
    super();
    this.once("spawn", (pid) => {
      this.started = pid;
      if (this.pending) this.kill(this.pending);
    });
    this.once("close", () => {
      this.ended = true;
    });
  }

  /** The pid that leads its process group, once it spawned. */
  get pid(): number | undefined {
    return this.started;
  }

  kill(signal: NodeJS.Signals): void {
    if (this.ended) return;
    if (this.started === undefined) {
      this.pending = signal;
      return;
    }
    // A group already gone has its close on the way.
    signalGroup(this.started, signal);
  }
}

/** What a command is started with: the argv before the guard, where, and its whole environment. */
export interface SpawnRequest {
  argv: string[];
  cwd?: string;
  env: NodeJS.ProcessEnv;
}

/** Starts a command that ends with phasegate: `spawnHere`, or through the launcher (process-launcher.ts). */
export type Spawner = (request: SpawnRequest) => CommandProcess;

/**
 * Starts the command from this process under the process guard (its event loop waits for the fork: fine for a
 * CLI's few commands).
 */
export const spawnHere: Spawner = (request) => {
  const [file = "", ...args] = guardedArgv(request.argv);
  const command = new CommandProcess();
  const child = spawn(file, args, {
    cwd: request.cwd,
    env: request.env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  child.on("spawn", () => command.emit("spawn", child.pid as number));
  child.stdout.on("data", (chunk: Buffer) => command.emit("stdout", chunk));
  child.stderr.on("data", (chunk: Buffer) => command.emit("stderr", chunk));
  child.on("error", (error) => command.emit("error", error));
  child.on("close", (exitCode, signal) => command.emit("close", exitCode, signal));
  return command;
};

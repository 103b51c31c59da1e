import { existsSync } from "node:fs";
import type { AttemptProcess, ProcessLedger } from "../ports/attempt-processes.js";
import type { CommandRequest, CommandResult, Execution, Executor } from "../ports/executor.js";
import { logger } from "../telemetry/pino-logger.js";
import { BoundedBuffer } from "./bounded-buffer.js";
import { type Spawner, spawnHere } from "./command-process.js";
import { thisMachine } from "./machine.js";

export interface LocalProcessOptions {
  /** Time between SIGTERM and SIGKILL when a command times out or is cancelled. */
  killGraceMs?: number;
  /** Stdout is kept whole up to this size (introspection JSON of 1,000 migrations is tens of MB). */
  maxStdoutBytes?: number;
  /** Only the end of stderr is kept: that is where a Python traceback says what went wrong. */
  maxStderrBytes?: number;
  /** Where a run's command is recorded while it runs, so a worker taking its step over waits for it. */
  ledger?: ProcessLedger;
  /** What starts each command under the guard: from this process (the default), or its launcher. */
  spawner?: Spawner;
}

/** Exit codes a shell uses when it cannot start a command, so callers see the same thing either way. */
const SPAWN_FAILURE_EXIT: Record<string, number> = { ENOENT: 127, EACCES: 126 };

function spawnFailure(
  request: CommandRequest,
  error: NodeJS.ErrnoException,
  durationMs: number,
): CommandResult {
  const missingCwd = request.cwd !== undefined && !existsSync(request.cwd);
  const why = missingCwd
    ? `the working directory ${request.cwd} does not exist`
    : error.code === "ENOENT"
      ? "no such file or directory"
      : error.message;
  return {
    exitCode: SPAWN_FAILURE_EXIT[error.code ?? ""] ?? 126,
    signal: null,
    timedOut: false,
    stdout: "",
    stderr: `phasegate: cannot run "${request.argv[0]}": ${why} (${error.code ?? "spawn error"})\n`,
    durationMs,
  };
}

/** A command cancelled before it was started is not started: it ends as if stopped by SIGTERM at once. */
function cancelledBeforeStart(): CommandResult {
  return {
    exitCode: null,
    signal: "SIGTERM",
    timedOut: false,
    stdout: "",
    stderr: "phasegate: cancelled before it started\n",
    durationMs: 0,
  };
}

/** Runs the command as a child process on this machine (no shell), to the end: it always answers `finished`. */
export class LocalProcessExecutor implements Executor {
  private readonly killGraceMs: number;
  private readonly maxStdoutBytes: number;
  private readonly maxStderrBytes: number;
  private readonly ledger: ProcessLedger | undefined;
  private readonly spawner: Spawner;

  constructor(options: LocalProcessOptions = {}) {
    this.ledger = options.ledger;
    this.spawner = options.spawner ?? spawnHere;
    this.killGraceMs = options.killGraceMs ?? 5_000;
    this.maxStdoutBytes = options.maxStdoutBytes ?? 64 * 1024 * 1024;
    this.maxStderrBytes = options.maxStderrBytes ?? 1024 * 1024;
  }

  execute(request: CommandRequest, signal?: AbortSignal): Promise<Execution> {
    return this.run(request, signal).then((result) => {
      const { exitCode, signal: killedBy, timedOut, durationMs } = result;
      logger.debug(
        { key: request.key, command: request.argv[0], exitCode, signal: killedBy, timedOut, durationMs },
        "local process finished",
      );
      return { state: "finished", result };
    });
  }

  private run(request: CommandRequest, signal?: AbortSignal): Promise<CommandResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    if (request.argv.length === 0) return Promise.reject(new Error("LocalProcessExecutor: argv is empty"));
    if (signal?.aborted) return Promise.resolve(cancelledBeforeStart());
    return new Promise((resolve) => {
      const stdout = new BoundedBuffer(this.maxStdoutBytes, "head");
      const stderr = new BoundedBuffer(this.maxStderrBytes, "tail");
      let timedOut = false;
      let killTimer: NodeJS.Timeout | undefined;
      let forget = () => {};
      // Its own process group, so a timeout or a cancel also ends what the command started (manage.py's children);
      // under the guard, so does phasegate's death.
      const child = this.spawner({
        argv: request.argv,
        cwd: request.cwd,
        env: { ...process.env, ...request.env },
      });
      child.on("spawn", (pid) => {
        forget = this.record(request, pid);
      });
      const stop = () => {
        child.kill("SIGTERM");
        killTimer ??= setTimeout(() => child.kill("SIGKILL"), this.killGraceMs);
      };
      const timeout = setTimeout(() => {
        timedOut = true;
        stop();
      }, request.timeoutMs);
      const cleanup = () => {
        clearTimeout(timeout);
        clearTimeout(killTimer);
        signal?.removeEventListener("abort", stop);
        forget();
      };
      signal?.addEventListener("abort", stop, { once: true });
      child.on("stdout", (chunk) => stdout.push(chunk));
      child.on("stderr", (chunk) => stderr.push(chunk));
      child.on("error", (error) => {
        cleanup();
        resolve(spawnFailure(request, error, elapsed()));
      });
      child.on("close", (exitCode, exitSignal) => {
        cleanup();
        const truncated =
          stdout.dropped > 0 ? `\nphasegate: stdout cut at ${this.maxStdoutBytes} bytes\n` : "";
        resolve({
          exitCode,
          signal: exitSignal,
          timedOut,
          stdout: stdout.text(),
          stderr: stderr.text() + truncated,
          durationMs: elapsed(),
        });
      });
    });
  }

  /** Records a run's command in the ledger (a failure is logged: the command runs anyway); returns its forget. */
  private record(request: CommandRequest, pid: number): () => void {
    const ledger = this.ledger;
    if (!ledger || !request.runId) return () => undefined;
    const entry: AttemptProcess = {
      runId: request.runId,
      key: request.key,
      host: thisMachine(),
      pid,
      deadlineMs: Date.now() + request.timeoutMs + this.killGraceMs,
    };
    const warn = (error: unknown) =>
      logger.warn({ err: error, runId: entry.runId, key: entry.key }, "could not update the process ledger");
    const recorded = ledger.record(entry).then(
      () => true,
      (error: unknown) => {
        warn(error);
        return false;
      },
    );
    let forgotten = false;
    return () => {
      if (forgotten) return;
      forgotten = true;
      void recorded.then((ok) => (ok ? ledger.forget(entry).catch(warn) : undefined));
    };
  }
}

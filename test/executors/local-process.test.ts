import { mkdtemp, realpath, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Spawner, spawnHere } from "../../src/executors/command-process.js";
import { LocalProcessExecutor } from "../../src/executors/local-process.js";
import { launcherSpawner } from "../../src/executors/process-launcher.js";
import type { CommandRequest, CommandResult } from "../../src/ports/executor.js";

let scratch: string;
beforeAll(async () => {
  scratch = await realpath(await mkdtemp(path.join(os.tmpdir(), "phasegate-local-process-")));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

// Every behaviour holds whether phasegate forks the command itself (a CLI) or its launcher does (a worker, a bot).
describe.each([
  ["from phasegate's process", spawnHere],
  ["through the launcher", launcherSpawner()],
] as [string, Spawner][])("LocalProcessExecutor, commands started %s", (_, spawner) => {
  async function run(
    argv: string[],
    extra: Partial<CommandRequest> = {},
    executor = new LocalProcessExecutor({ killGraceMs: 200, spawner }),
    signal?: AbortSignal,
  ): Promise<CommandResult> {
    const execution = await executor.execute({ key: "t", argv, timeoutMs: 30_000, ...extra }, signal);
    if (execution.state !== "finished") throw new Error("a local process always finishes");
    return execution.result;
  }

  it("runs argv without a shell, in cwd, with env merged over its own", async () => {
    const result = await run(
      ["sh", "-c", 'echo "$1 $PWD $PHASEGATE_T $HOME"; echo oops >&2; exit 4', "sh", "a;b"],
      {
        cwd: scratch,
        env: { PHASEGATE_T: "set" },
      },
    );
    expect(result).toMatchObject({ exitCode: 4, signal: null, timedOut: false, stderr: "oops\n" });
    expect(result.stdout).toBe(`a;b ${scratch} set ${process.env.HOME}\n`);
  });

  it("keeps a large stdout whole (introspection JSON of many migrations)", async () => {
    const result = await run([process.execPath, "-e", "process.stdout.write('x'.repeat(5_000_000) + 'end')"]);
    expect(result.stdout).toHaveLength(5_000_003);
    expect(result.stdout.endsWith("end")).toBe(true);
  });

  it("cuts stdout at its cap and says so, keeps only the end of stderr", async () => {
    const executor = new LocalProcessExecutor({ maxStdoutBytes: 10, maxStderrBytes: 8, spawner });
    const result = await run(
      ["sh", "-c", "echo 0123456789abcdef; echo first-line-of-stderr >&2; echo tail >&2"],
      {},
      executor,
    );
    expect(result.stdout).toBe("0123456789");
    expect(result.stderr).toBe("rr\ntail\n\nphasegate: stdout cut at 10 bytes\n");
  });

  it("a command that does not exist: exit code 127 and a message, not a crash", async () => {
    const result = await run(["/nonexistent/python3", "-c", "pass"]);
    expect(result.exitCode).toBe(127);
    expect(result.stderr).toContain('cannot run "/nonexistent/python3": no such file or directory (ENOENT)');
  });

  it("a working directory that does not exist is named", async () => {
    const result = await run(["sh", "-c", "true"], { cwd: path.join(scratch, "missing") });
    expect(result.exitCode).toBe(127);
    expect(result.stderr).toContain(`the working directory ${path.join(scratch, "missing")} does not exist`);
  });

  it("a timeout stops the command with SIGTERM, and its children with it", async () => {
    const marker = path.join(scratch, "child-survived");
    const result = await run(["sh", "-c", `(sleep 1; touch ${marker}) & sleep 30`], { timeoutMs: 200 });
    expect(result).toMatchObject({ timedOut: true, signal: "SIGTERM", exitCode: null });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await expect(realpath(marker)).rejects.toThrow();
  });

  it("a command that ignores SIGTERM gets SIGKILL after the grace period", async () => {
    // A second before the time limit: on a loaded machine the guard and sh took over 200 ms to set the trap.
    const result = await run(["sh", "-c", 'trap "" TERM; sleep 30 & wait; sleep 30'], { timeoutMs: 1_000 });
    expect(result).toMatchObject({ timedOut: true, signal: "SIGKILL" });
  });

  it("an abort signal cancels the command", async () => {
    const controller = new AbortController();
    const pending = run(["sleep", "30"], {}, undefined, controller.signal);
    setTimeout(() => controller.abort(), 100);
    expect(await pending).toMatchObject({ timedOut: false, signal: "SIGTERM" });
    const already = await run(["sleep", "30"], {}, undefined, AbortSignal.abort());
    expect(already.signal).toBe("SIGTERM");
  });
});

import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { Spawner } from "../../src/executors/command-process.js";
import { LocalProcessExecutor } from "../../src/executors/local-process.js";
import { groupAlive } from "../../src/executors/machine.js";
import { guardTools } from "../../src/executors/process-guard.js";
import { ProcessLauncher } from "../../src/executors/process-launcher.js";
import type { CommandResult } from "../../src/ports/executor.js";
import { parentOf } from "../../testkit/processes.js";

/** A launcher of its own, the pids its commands started with, and the warnings it logged. */
function launcherUnderTest() {
  const warnings: string[] = [];
  const sink = new Writable({
    write(line, _, done) {
      warnings.push(JSON.parse(String(line)).msg);
      done();
    },
  });
  const launcher = new ProcessLauncher(guardTools()?.setpriv ?? "setpriv", pino({ level: "warn" }, sink));
  const started: number[] = [];
  const spawner: Spawner = (request) => {
    const command = launcher.spawn(request);
    command.on("spawn", (pid) => started.push(pid));
    return command;
  };
  const executor = new LocalProcessExecutor({ killGraceMs: 200, spawner });
  const run = async (argv: string[], timeoutMs = 30_000): Promise<CommandResult> => {
    const execution = await executor.execute({ key: "t", argv, timeoutMs });
    if (execution.state !== "finished") throw new Error("a local process always finishes");
    return execution.result;
  };
  /** The launcher's pid, as its next command sees it: its parent. */
  const launcherPid = async () => Number((await run(["sh", "-c", "echo $PPID"])).stdout);
  return { run, started, warnings, launcherPid };
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("the process launcher", () => {
  it("starts each command as its own child, not phasegate's, in a group of its own, and relays what it prints", async () => {
    const { run, started, launcherPid } = launcherUnderTest();
    const launcher = await launcherPid();
    expect(parentOf(launcher)).toBe(process.pid);
    const result = await run([
      "sh",
      "-c",
      "echo $PPID $$ $(cut -d' ' -f5 /proc/$$/stat); echo to-stderr >&2; exit 3",
    ]);
    expect(result).toMatchObject({ exitCode: 3, signal: null, stderr: "to-stderr\n" });
    const [parent, pid, group] = result.stdout.trim().split(/\s+/).map(Number);
    expect({ parent, pid, group }).toEqual({ parent: launcher, pid: started[1], group: started[1] });
    // One launcher for every command.
    expect(await launcherPid()).toBe(launcher);
  });

  it("killed mid-command: the command dies with it and ends as killed, and the next command gets a new launcher", async () => {
    const { run, started, warnings, launcherPid } = launcherUnderTest();
    const pending = run(["sh", "-c", "trap '' TERM HUP; sleep 300 & wait"]);
    await until(() => started.length === 1);
    const command = started[0] as number;
    const launcher = parentOf(command);
    if (launcher === null) throw new Error(`command ${command} is not running`);
    expect(launcher).not.toBe(process.pid);
    process.kill(launcher, "SIGKILL");
    const result = await pending;
    expect(result).toMatchObject({ exitCode: null, signal: "SIGKILL", timedOut: false });
    expect(result.stderr).toContain(
      "the process launcher ended (killed by SIGKILL), and the command with it",
    );
    // Reported only once nothing of the command is left (a step must not run twice).
    expect(groupAlive(command)).toBe(false);
    expect(warnings).toContain(
      "the process launcher ended: the commands it ran are killed with it; the next command starts a new one",
    );
    const next = await run(["sh", "-c", "echo again"]);
    expect(next).toMatchObject({ exitCode: 0, stdout: "again\n" });
    const replaced = await launcherPid();
    expect(replaced).not.toBe(launcher);
    expect(parentOf(replaced)).toBe(process.pid);
  });

  it("frozen (SIGSTOP): a command that times out still ends, and the stuck launcher is replaced", async () => {
    const { run, warnings, launcherPid } = launcherUnderTest();
    const launcher = await launcherPid();
    process.kill(launcher, "SIGSTOP");
    try {
      const began = Date.now();
      // The launcher never reads this command: its timeout, SIGTERM and SIGKILL find no pid to signal.
      const result = await run(["sleep", "300"], 300);
      expect(result).toMatchObject({ timedOut: true, signal: "SIGKILL" });
      expect(result.stderr).toContain("the process launcher ended (killed by SIGKILL)");
      expect(Date.now() - began).toBeLessThan(9_000);
      expect(warnings).toContain(
        "the process launcher did not report a killed command's end: killing it, its commands die with it",
      );
      expect(await run(["sh", "-c", "echo back"])).toMatchObject({ exitCode: 0, stdout: "back\n" });
    } finally {
      try {
        process.kill(launcher, "SIGKILL");
      } catch {
        // already killed, as it should be
      }
    }
  });
});

import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import {
  childrenOf,
  killProcessesWithEnv,
  parentOf,
  processesGone,
  processesWithEnv,
} from "../../testkit/processes.js";
import { repoRoot } from "../../testkit/run-cli.js";

const MARKER = "PHASEGATE_GUARD_TEST";
let marker = "";

/**
 * A Node process that runs `argv` through the LocalProcessExecutor, as a CLI runs a command (forked from its own
 * process) or as a worker runs a step's (through its launcher).
 */
function phasegateRunning(argv: string[], launcher: boolean): ChildProcess {
  const script = `
    import { LocalProcessExecutor } from "./src/executors/local-process.ts";
    import { launcherSpawner } from "./src/executors/process-launcher.ts";
    const spawner = ${launcher} ? launcherSpawner() : undefined;
    await new LocalProcessExecutor({ spawner }).execute({ key: "t", argv: ${JSON.stringify(argv)}, timeoutMs: 600_000 });`;
  return spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: repoRoot,
    env: { ...process.env, [MARKER]: marker },
    stdio: "ignore",
  });
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

afterEach(() => killProcessesWithEnv(MARKER, marker));

const BACKGROUND = ["sh", "-c", "sleep 300 & sleep 300 & wait"];
const DEAF = ["sh", "-c", "trap '' TERM HUP; sleep 300 & wait"];

describe("a command run by phasegate never outlives it", () => {
  // How many processes run once the command is up: phasegate, the guard (forked by phasegate), the shell, the sleeps.
  it.each([
    ["a shell and its background children", BACKGROUND, false, 5],
    ["a command that ignores SIGTERM and SIGHUP", DEAF, false, 4],
    ["a shell and its background children, through the launcher", BACKGROUND, true, 4],
    ["a command that ignores SIGTERM and SIGHUP, through the launcher", DEAF, true, 3],
  ])("SIGKILL of phasegate ends %s", async (_, argv, launcher, processes) => {
    marker = randomUUID();
    const phasegate = phasegateRunning(argv as string[], launcher as boolean);
    await until(() => processesWithEnv(MARKER, marker).length >= (processes as number));
    // the guard or the launcher (and tsx's esbuild, at times)
    const children = childrenOf(phasegate.pid as number);
    phasegate.kill("SIGKILL");
    expect(await processesGone(MARKER, marker)).toEqual([]);
    await until(() => children.every((pid) => parentOf(pid) === null));
  });
});

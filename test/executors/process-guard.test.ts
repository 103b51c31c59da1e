import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { killProcessesWithEnv, processesGone, processesWithEnv } from "../../testkit/processes.js";
import { repoRoot } from "../../testkit/run-cli.js";

const MARKER = "PHASEGATE_GUARD_TEST";
let marker = "";

/** A Node process that runs `argv` through the LocalProcessExecutor, as a worker runs a step's command. */
function phasegateRunning(argv: string[]): ChildProcess {
  const script = `
    import { LocalProcessExecutor } from "./src/executors/local-process.ts";
    await new LocalProcessExecutor().execute({ key: "t", argv: ${JSON.stringify(argv)}, timeoutMs: 600_000 });`;
  return spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: repoRoot,
    env: { ...process.env, [MARKER]: marker },
    stdio: "ignore",
  });
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("the command never started");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

afterEach(() => killProcessesWithEnv(MARKER, marker));

describe("a command run by phasegate never outlives it", () => {
  it.each([
    ["a shell and its background children", ["sh", "-c", "sleep 300 & sleep 300 & wait"]],
    ["a command that ignores SIGTERM and SIGHUP", ["sh", "-c", "trap '' TERM HUP; sleep 300 & wait"]],
  ])("SIGKILL of phasegate ends %s", async (_, argv) => {
    marker = randomUUID();
    const phasegate = phasegateRunning(argv);
    // phasegate itself, the guard, the shell and its two children
    await until(() => processesWithEnv(MARKER, marker).length >= 4);
    phasegate.kill("SIGKILL");
    expect(await processesGone(MARKER, marker)).toEqual([]);
  });
});

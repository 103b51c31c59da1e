import { spawn } from "node:child_process";
import { once } from "node:events";
import { closeSync, openSync } from "node:fs";
import type { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { cliArgv } from "../../testkit/cli-entry.js";
import { repoRoot } from "../../testkit/run-cli.js";

/** The real CLI with its stdout on `stdout`; its exit code and what it wrote to stderr. */
async function runWithStdout(
  args: string[],
  stdout: "pipe" | number,
  beforeItWrites: (stdout: Readable | null) => void = () => {},
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, cliArgv(...args), {
    cwd: repoRoot,
    stdio: ["ignore", stdout, "pipe"],
    env: { ...process.env, LOG_LEVEL: "silent" },
  });
  beforeItWrites(child.stdout);
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = await once(child, "exit");
  return { code, stderr };
}

describe("phasegate's output where nobody reads it", () => {
  it("a reader that stopped early (`phasegate … | head`): the command's own exit code, no stack trace", async () => {
    for (const [args, code] of [
      [["plan", "--help"], 0],
      [[], 2],
    ] as const) {
      // Closed before the CLI has started: its first write finds no reader.
      const run = await runWithStdout([...args], "pipe", (stdout) => stdout?.destroy());
      expect(run).toEqual({ code, stderr: expect.not.stringMatching(/EPIPE|at .*\.js/) });
    }
  });

  it("a full disk: says that its output is lost and fails", async () => {
    const full = openSync("/dev/full", "w");
    try {
      const run = await runWithStdout(["plan", "--help"], full);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        "phasegate: cannot write its output (ENOSPC: no space left on device, write); the command's result is lost\n",
      );
    } finally {
      closeSync(full);
    }
  });
});

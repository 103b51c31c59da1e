import { spawn } from "node:child_process";
import { once } from "node:events";
import { SandboxError } from "./sandbox-error.js";

/** A psql session idle in a transaction that holds a lock on a table, until `release()` commits it. */
export interface HeldLock {
  pid: number;
  release(): Promise<void>;
}

/**
 * Starts a session that takes ACCESS SHARE on `table` (as a forgotten `BEGIN; SELECT …` in a console would) and
 * stays idle in its transaction: the gate's live facts name it, and a contract that would queue behind it waits.
 */
export async function holdTableLock(databaseUrl: string, table: string): Promise<HeldLock> {
  const child = spawn("psql", [databaseUrl, "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1"], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  child.stdout.setEncoding("utf8");
  let output = "";
  child.stdout.on("data", (chunk: string) => {
    output += chunk;
  });
  child.stdin.write(`BEGIN; LOCK TABLE ${table} IN ACCESS SHARE MODE; SELECT pg_backend_pid();\n`);
  const deadline = Date.now() + 10_000;
  while (!/^\d+$/m.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      throw new SandboxError(`could not hold a lock on ${table}: psql ended without taking it`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const exited = once(child, "exit");
  return {
    pid: Number(output.match(/^\d+$/m)?.[0]),
    async release() {
      if (child.exitCode === null) child.stdin.end("COMMIT;\n");
      await exited;
    },
  };
}

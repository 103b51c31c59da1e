import { type ChildProcess, spawn } from "node:child_process";
import { cliArgv } from "./cli-entry.js";
import { repoRoot } from "./run-cli.js";

export interface SandboxProcess {
  child: ChildProcess;
  /** The address it printed to open (with `?token=` when it needs one). */
  url: string;
  /** Everything it wrote so far, stdout and stderr. */
  output(): string;
}

/** A real `phasegate sandbox --port 0 ARGS` (the compiled CLI), once it prints the URL to open. */
export function startSandboxProcess(args: string[], started: ChildProcess[]): Promise<SandboxProcess> {
  const child = spawn(process.execPath, cliArgv("sandbox", "--port", "0", ...args), {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, LOG_LEVEL: "silent" },
  });
  started.push(child);
  let output = "";
  // Read with listeners: leaving a for-await loop would close the pipe, and the child's next write would fail.
  return new Promise((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /open (http:\/\/\S+)/.exec(output)?.[1];
      if (url) resolve({ child, url, output: () => output });
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    child.on("exit", () => reject(new Error(`the sandbox did not start: ${output}`)));
  });
}

import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const shopDir = path.join(repoRoot, "examples", "shop");

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (TypeScript sources through tsx) as a user would, with only the given environment changes. */
export function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  const main = path.join(repoRoot, "src", "cli", "main.ts");
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", main, ...args],
      { cwd: repoRoot, env: { ...process.env, LOG_LEVEL: "silent", ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

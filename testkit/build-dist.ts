import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { CLI_MAIN, repoRoot } from "./cli-entry.js";

/** The newest modification time of the TypeScript sources tsc builds into dist/. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

function builtAt(): number {
  try {
    return statSync(CLI_MAIN).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Vitest's global setup: the processes the tests spawn run the compiled CLI (testkit/cli-entry.ts), so dist/ is
 * built again first when a source changed since (`npm ci` builds it; a developer's edit makes it stale).
 */
export default function buildDist(): void {
  const sources = Math.max(...["src", "workers"].map((dir) => newestSource(path.join(repoRoot, dir))));
  if (builtAt() >= sources) return;
  process.stderr.write("dist/ is older than the sources: building it (tsc -p tsconfig.build.json)\n");
  execFileSync(
    process.execPath,
    [path.join(repoRoot, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"],
    {
      cwd: repoRoot,
      stdio: "inherit",
    },
  );
}

import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * Compiles the CLI the way `npm run build` does (what `npx phasegate` runs), into a directory of the bench's own
 * so the shared dist/ is left alone; it finds package.json, and the helper in src/django, by walking up as dist/ does.
 */
export async function buildCli(root: string): Promise<{ argv: string[]; how: string }> {
  const outDir = path.join(root, "node_modules", ".cache", "phasegate-bench-cli");
  await run(
    path.join(root, "node_modules", ".bin", "tsc"),
    ["-p", "tsconfig.build.json", "--outDir", outDir],
    {
      cwd: root,
    },
  );
  return { argv: [process.execPath, path.join(outDir, "src", "cli", "main.js")], how: "built CLI" };
}

import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** How to run the compiled CLI, and the compiled tree (its `src/`) for a bench process that imports from it. */
export interface CompiledCli {
  argv: string[];
  how: string;
  outDir: string;
}

const builds = new Map<string, Promise<CompiledCli>>();

/** The CLI compiled once per bench run: the plan, oversized and rollout benchmarks all spawn it. */
export function buildCli(root: string): Promise<CompiledCli> {
  let build = builds.get(root);
  if (!build) {
    build = compile(root);
    builds.set(root, build);
  }
  return build;
}

/**
 * Compiles the CLI the way `npm run build` does (what `npx phasegate` runs), into a directory of the bench's own
 * so the shared dist/ is left alone; it finds package.json, and the helper in src/django, by walking up as dist/ does.
 * The directory is inside the checkout (.cache/, ignored by git): under node_modules, which a worktree may share
 * with another checkout, the walk up would find that checkout's package.json and helper.
 */
async function compile(root: string): Promise<CompiledCli> {
  const outDir = path.join(root, ".cache", "bench-cli");
  await run(
    path.join(root, "node_modules", ".bin", "tsc"),
    ["-p", "tsconfig.build.json", "--outDir", outDir],
    {
      cwd: root,
    },
  );
  return { argv: [process.execPath, path.join(outDir, "src", "cli", "main.js")], how: "built CLI", outDir };
}

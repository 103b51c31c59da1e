import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../testkit/run-cli.js";

const run = promisify(execFile);
const depcruise = path.join(repoRoot, "node_modules", ".bin", "depcruise");
let scratch: string;

/** A tree with the given files (path → source) and the project's layer rules, checked as `npm run deps` does. */
async function cruise(files: Record<string, string>): Promise<{ code: number; output: string }> {
  const dir = await mkdtemp(path.join(scratch, "tree-"));
  await writeFile(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { module: "NodeNext" } }),
  );
  for (const [file, source] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), source);
  }
  const args = ["src", "--config", path.join(repoRoot, ".dependency-cruiser.cjs"), "--output-type", "err"];
  try {
    const { stdout } = await run(depcruise, args, { cwd: dir });
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, output: failed.stdout };
  }
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), "phasegate-layers-"));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe("the layer rules (npm run deps)", () => {
  it.each([
    [
      "domain-is-pure",
      "src/domain/run/run.ts",
      'import { x } from "../../store/keys.js";',
      "src/store/keys.ts",
    ],
    [
      "app-uses-ports-not-adapters",
      "src/app/start.ts",
      'import { x } from "../queue/jobs.js";',
      "src/queue/jobs.ts",
    ],
    ["adapter-slack-stands-alone", "src/slack/n.ts", 'import { x } from "../app/use.js";', "src/app/use.ts"],
    ["adapter-store-stands-alone", "src/store/s.ts", 'import { x } from "../queue/q.js";', "src/queue/q.ts"],
    ["no-circular", "src/hooks/a.ts", 'import { x } from "./b.js";\nexport const y = x;', "src/hooks/b.ts"],
  ])("fail a wrong-way import with the rule's name: %s", async (rule, from, source, target) => {
    const back =
      rule === "no-circular" ? 'import { y } from "./a.js";\nexport const x = y;' : "export const x = 1;";
    const { code, output } = await cruise({ [from]: `${source}\nexport const z = x;\n`, [target]: back });
    expect(code).not.toBe(0);
    expect(output).toContain(rule);
  });
});

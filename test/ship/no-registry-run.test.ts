import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../testkit/run-cli.js";

/** A line that would fetch and run a package named phasegate from a registry (someone else's code). */
const REGISTRY_RUN =
  /\b(npx(\s+(--yes|-y|-p|--package))*\s+phasegate|npm\s+(i|install|add)\s+(-g\s+|--global\s+)?phasegate|npm\s+exec\s+phasegate|(pnpm|yarn)\s+dlx\s+phasegate|bunx\s+phasegate)\b/;

async function filesUnder(dir: string, extensions: string[]): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && extensions.some((ext) => e.name.endsWith(ext)))
    .map((e) => path.join(e.parentPath, e.name));
}

describe("no README or doc line runs phasegate by name from a registry (the name on npm is not ours)", () => {
  it("README, docs and examples install from a clone or the image", async () => {
    const files = [
      path.join(repoRoot, "README.md"),
      ...(await filesUnder(path.join(repoRoot, "docs"), [".md"])),
      ...(await filesUnder(path.join(repoRoot, "examples"), [".md", ".yml", ".yaml"])),
    ];
    const offending: string[] = [];
    for (const file of files) {
      const lines = (await readFile(file, "utf8")).split("\n");
      lines.forEach((line, i) => {
        if (REGISTRY_RUN.test(line))
          offending.push(`${path.relative(repoRoot, file)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offending).toEqual([]);
  });

  it("the check catches each way of running it from a registry", () => {
    for (const line of [
      "npx phasegate plan",
      "run: npx --yes phasegate plan --project .",
      "npm i -g phasegate",
      "npm install --global phasegate",
      "pnpm dlx phasegate sandbox",
      "bunx phasegate",
    ])
      expect(REGISTRY_RUN.test(line), line).toBe(true);
    for (const line of ["node bin/phasegate.js plan", "npx biome check", "never npx it"])
      expect(REGISTRY_RUN.test(line), line).toBe(false);
  });
});

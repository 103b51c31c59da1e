import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, runCli } from "../../testkit/run-cli.js";

let dir: string;
let page: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "deploying-doc-"));
  page = await readFile(path.join(repoRoot, "docs", "deploying.md"), "utf8");
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Each `## ` section's title and the yaml blocks in it. */
function sections(markdown: string): { title: string; blocks: string[] }[] {
  return markdown
    .split(/^## /m)
    .slice(1)
    .map((section) => ({
      title: section.split("\n")[0] ?? "",
      blocks: [...section.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? ""),
    }));
}

describe("docs/deploying.md", () => {
  it("has a section per platform, each with a services-file example", () => {
    const found = sections(page);
    expect(found.map((s) => s.title)).toEqual(
      expect.arrayContaining([
        "Plain Deployment",
        "Helm",
        "Argo CD",
        "Flux",
        "Argo Rollouts",
        "StatefulSet",
        "DaemonSet",
        "Cancelling during the rollout",
        "Pipeline mode",
      ]),
    );
    for (const section of found) expect(section.blocks.length, section.title).toBeGreaterThan(0);
  });

  it("every example passes phasegate config check (--skip-files: its projects and scripts live elsewhere)", {
    timeout: 120_000,
  }, async () => {
    const examples = sections(page).flatMap((s) =>
      s.blocks.map((block, i) => ({ name: `${s.title} ${i + 1}`, block })),
    );
    const results = await Promise.all(
      examples.map(async ({ name, block }, i) => {
        const file = path.join(dir, `services-${i}.yaml`);
        await writeFile(file, block);
        return { name, ...(await runCli(["config", "check", "--skip-files", file])) };
      }),
    );
    for (const result of results) {
      expect({ name: result.name, code: result.code, out: result.stdout + result.stderr }).toMatchObject({
        code: 0,
      });
    }
  });
});

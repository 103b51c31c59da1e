import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../testkit/run-cli.js";

/** "Billion laughs": each anchor is a list of nine aliases of the one before, 9^11 values once expanded. */
function aliasBomb(): string {
  const lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (let i = 1; i <= 11; i++)
    lines.push(
      `a${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(", ")}]`,
    );
  return `${lines.join("\n")}\nservices: *a11\n`;
}

describe("a hostile services file gets a problem report, not a crash", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "phasegate-hostile-services-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("config check says the aliases expand too far, with the fix", async () => {
    const file = path.join(dir, "bomb.yaml");
    await writeFile(file, aliasBomb());
    const run = await runCli(["config", "check", "--skip-files", file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${file}: its aliases expand too far`);
    expect(run.stdout).toContain("fix: write the repeated values out");
    expect(run.stderr).toBe("");
  });
});

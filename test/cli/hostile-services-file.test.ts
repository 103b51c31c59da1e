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

/** Lists in lists, deep enough for yaml's recursive composer to exhaust the stack. */
const DEEP = `services: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`;

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

  it("config check says where a file is nested too deep", async () => {
    const file = path.join(dir, "deep.yaml");
    await writeFile(file, DEEP);
    const run = await runCli(["config", "check", "--skip-files", file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${file}:1:110: nested more than 100 mappings or lists deep`);
    expect(run.stdout).toContain("fix: a services file needs a handful of levels");
  });

  it("a command that loads it says the same and exits 2, instead of V8 aborting the process", async () => {
    const file = path.join(dir, "deep-run.yaml");
    await writeFile(file, DEEP);
    const run = await runCli(["run", "list", "--services", file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`phasegate run: the services file has problems`);
    expect(run.stderr).toContain(`${file}:1:110: nested more than 100 mappings or lists deep`);
    expect(run.stderr).not.toContain("FATAL");
  });
});

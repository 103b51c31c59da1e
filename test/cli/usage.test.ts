import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, shopDir } from "../../testkit/run-cli.js";

describe("phasegate usage errors exit 2 and say what to do", () => {
  let emptyDir: string;
  beforeAll(async () => {
    emptyDir = await mkdtemp(path.join(os.tmpdir(), "phasegate-cli-"));
  });
  afterAll(async () => {
    await rm(emptyDir, { recursive: true, force: true });
  });

  it("without a command, lists the commands", async () => {
    const run = await runCli([]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain("plan");
  });

  it("an unknown command names itself and lists the known ones", async () => {
    const run = await runCli(["deploy-everything"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown command "deploy-everything"');
    expect(run.stderr).toContain("plan");
  });

  it("plan --help prints the usage and exits 0", async () => {
    const run = await runCli(["plan", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage: phasegate plan --project DIR");
  });

  it("plan without --project asks for it", async () => {
    const run = await runCli(["plan"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--project DIR is required");
  });

  it("an unknown option is named", async () => {
    const run = await runCli(["plan", "--project", shopDir, "--frobnicate"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--frobnicate");
    expect(run.stderr).toContain("Run phasegate plan --help for usage.");
  });

  it("a malformed --target shows the expected form", async () => {
    const run = await runCli(["plan", "--project", shopDir, "--target", "catalog/0002"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--target takes app:migration");
  });

  it("a directory without manage.py is refused before Python runs", async () => {
    const run = await runCli(["plan", "--project", emptyDir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`no manage.py in ${emptyDir}`);
  });

  it("a missing project directory is refused the same way", async () => {
    const missing = path.join(emptyDir, "does-not-exist");
    const run = await runCli(["plan", "--project", missing]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`no manage.py in ${missing}`);
  });
});

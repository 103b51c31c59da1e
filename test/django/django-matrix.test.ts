import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../testkit/run-cli.js";

interface Run {
  code: number;
  output: string;
}

/** Runs one test file of the Django matrix in a vitest of its own, with 4.2 and 5.2 looked for in `cache`. */
function runMatrixFile(cache: string, ci: boolean): Promise<Run> {
  const vitest = path.join(repoRoot, "node_modules", "vitest", "vitest.mjs");
  const env = {
    ...process.env,
    PHASEGATE_DJANGO_CACHE: cache,
    CI: ci ? "true" : "",
    NO_COLOR: "1",
    FORCE_COLOR: "0",
  };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [vitest, "run", "test/django/operation-rules.test.ts", "--reporter", "verbose"],
      { cwd: repoRoot, env, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, output: `${stdout}\n${stderr}` });
      },
    );
  });
}

describe("a Django version missing from the machine", () => {
  let empty: string;
  beforeAll(async () => {
    empty = await mkdtemp(path.join(os.tmpdir(), "phasegate-no-django-"));
  });
  afterAll(async () => {
    await rm(empty, { recursive: true, force: true });
  });

  it("fails the run under CI, naming the version and what to run", async () => {
    const run = await runMatrixFile(empty, true);
    expect(run.code).not.toBe(0);
    expect(run.output).toContain("has Django 4.2");
    expect(run.output).toContain(`no Django 5.2 in .cache/django/5.2: run scripts/bootstrap.sh`);
    expect(run.output).toMatch(/the operations Django ships \(Django 3\.2\) > each has a verdict rule/);
  });

  it("is skipped elsewhere, and the versions that are there still run", async () => {
    const run = await runMatrixFile(empty, false);
    expect(run.code).toBe(0);
    expect(run.output).toMatch(/Tests\s+2 passed \| 2 skipped \(4\)/);
  });
});

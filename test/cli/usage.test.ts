import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakePythons, fakePythons } from "../../testkit/fake-python.js";
import { runCli, shopDir } from "../../testkit/run-cli.js";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("phasegate usage errors exit 2 and say what to do", () => {
  let emptyDir: string;
  let pythons: FakePythons;
  beforeAll(async () => {
    emptyDir = await mkdtemp(path.join(os.tmpdir(), "phasegate-cli-"));
    pythons = await fakePythons();
  });
  afterAll(async () => {
    await rm(emptyDir, { recursive: true, force: true });
    await pythons.remove();
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

  it("the first word of a two-word command names the commands it starts", async () => {
    const typo = await runCli(["config", "chek"]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('unknown command "config chek": config has "config check"');
    const alone = await runCli(["config"]);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('unknown command "config" alone: config has "config check"');
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
    const pidFile = path.join(emptyDir, "python-ran");
    const python = await pythons.waiting("python-no-project", pidFile);
    const run = await runCli(["plan", "--project", emptyDir, "--python", python], {
      PHASEGATE_PYTHON: python,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`no manage.py in ${emptyDir}`);
    expect(existsSync(pidFile)).toBe(false);
  });

  it("refused options leave no Python running, even one started while they were checked", async () => {
    const pidFile = path.join(emptyDir, "python-started");
    const python = await pythons.waiting("python-slow", pidFile);
    const run = await runCli(["plan", "--project", shopDir, "--python", python, "--format", "pdf"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--format takes text, json, github, sarif");
    // Whether it started at all is the CLI's business; if it did, it must be gone.
    const pid = existsSync(pidFile) ? Number(await readFile(pidFile, "utf8")) : null;
    for (let waited = 0; pid !== null && alive(pid) && waited < 5_000; waited += 100) await sleep(100);
    expect(pid === null || !alive(pid)).toBe(true);
  });

  it("a LOG_LEVEL that is not a level is said before the command runs, instead of pino's stack trace at its first line", async () => {
    for (const [args, name] of [
      [["plan", "--project", shopDir], "plan"],
      [["config", "check", path.join(shopDir, "..", "services.example.yaml")], "config check"],
    ] as const) {
      const run = await runCli([...args], { LOG_LEVEL: "verbose" });
      expect(run).toEqual({
        code: 2,
        stdout: "",
        stderr: `phasegate ${name}: LOG_LEVEL "verbose" is not a log level: set it to debug, info, warn or error, or leave it unset (info)\n`,
      });
    }
  });

  it("a missing project directory is refused the same way", async () => {
    const missing = path.join(emptyDir, "does-not-exist");
    const run = await runCli(["plan", "--project", missing]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`no manage.py in ${missing}`);
  });
});

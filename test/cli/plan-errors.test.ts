import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { corpusDir } from "../../testkit/corpus.js";
import { type FakePythons, fakePythons } from "../../testkit/fake-python.js";
import { createTestDatabase, type TestDatabase } from "../../testkit/postgres.js";
import { findDjangoPython } from "../../testkit/python.js";
import { repoRoot, runCli } from "../../testkit/run-cli.js";
import { writeTinyProject } from "../django/tiny-project.js";

const python = findDjangoPython();
let db: TestDatabase;
let fakes: FakePythons;
beforeAll(async () => {
  db = createTestDatabase("clierr");
  fakes = await fakePythons();
});
afterAll(async () => {
  db.drop();
  await fakes.remove();
});

/** `phasegate plan` on the corpus project; every failure must be exit 2, nothing on stdout, the reason on stderr. */
async function failingPlan(args: string[], databaseUrl = db.url): Promise<string> {
  const run = await runCli(["plan", "--project", corpusDir, ...args], { DATABASE_URL: databaseUrl });
  expect(run.stdout).toBe("");
  expect(run.code).toBe(2);
  return run.stderr;
}

describe("phasegate plan when Django cannot be introspected", () => {
  it("a relative --python is found from the current directory, as the shell would, not from the project's", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "phasegate-relative-python-"));
    try {
      const wrapper = path.join(dir, "python");
      await writeFile(wrapper, `#!/bin/sh\nexec ${python} "$@"\n`);
      await chmod(wrapper, 0o755);
      const relative = path.relative(repoRoot, wrapper);
      expect(relative.startsWith("..")).toBe(true);
      // The settings fail to load: Python ran, from where runCli's shell stands (the repository's root).
      const stderr = await failingPlan(["--python", relative, "--settings", "corpus.broken_settings"]);
      expect(stderr).toContain("the Django settings corpus.broken_settings failed to load");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a broken settings module: the Python error", async () => {
    const stderr = await failingPlan(["--python", python, "--settings", "corpus.broken_settings"]);
    expect(stderr).toContain("phasegate plan: the Django settings corpus.broken_settings failed to load");
    expect(stderr).toContain("ModuleNotFoundError: No module named 'corpus.no_such_module'");
  });

  it("a Python without Django", async () => {
    const stderr = await failingPlan(["--python", `${python} -S`]);
    expect(stderr).toContain("cannot import Django");
    expect(stderr).toContain("pass --python (or set project.python in the services file)");
  });

  it("a database that does not answer", async () => {
    const stderr = await failingPlan(["--python", python], "postgres://postgres@127.0.0.1:1/nowhere");
    expect(stderr).toContain("phasegate plan: Django cannot reach the database: OperationalError:");
    expect(stderr).toContain("Check DATABASE_URL");
  });

  it("a Python that prints garbage", async () => {
    const stderr = await failingPlan(["--python", await fakes.printing("garbage", "garbage")]);
    expect(stderr).toContain('printed something that is not JSON (starts with "garbage")');
  });

  it("a Python that prints line breaks and terminal escapes: quoted, on one line", async () => {
    const stderr = await failingPlan([
      "--python",
      await fakes.printing("escapes", "one\ntwo \x1b[2Jcleared"),
    ]);
    expect(stderr).toContain(
      'printed something that is not JSON (starts with "one\\ntwo \\u001b[2Jcleared")',
    );
    expect(stderr).not.toContain("\x1b");
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("a target that is not a migration of the project", async () => {
    const stderr = await failingPlan(["--python", python, "--target", "fieldops:0099_nope"]);
    expect(stderr).toContain("app 'fieldops' has no migration '0099_nope'");
  });

  it("a directory without manage.py, or a malformed --target, before Python runs", async () => {
    const noProject = await runCli(["plan", "--project", path.join(repoRoot, "src")]);
    expect(noProject.code).toBe(2);
    expect(noProject.stderr).toContain("no manage.py in");
    const badTarget = await failingPlan(["--target", "fieldops"]);
    expect(badTarget).toContain("--target takes app:migration");
  });
});

interface ErrorJson {
  error: { kind: string; message: string; file: string | null; line: number | null };
}

/** `phasegate plan --json` that exits 2: the message on stderr, and the same as {"error": {...}} on stdout. */
async function failingJsonPlan(args: string[], project = corpusDir): Promise<ErrorJson["error"]> {
  const run = await runCli(["plan", "--project", project, "--json", ...args], { DATABASE_URL: db.url });
  expect(run.code).toBe(2);
  const body = JSON.parse(run.stdout) as ErrorJson;
  expect(Object.keys(body.error)).toEqual(["kind", "message", "file", "line"]);
  expect(run.stderr).toContain(body.error.message);
  return body.error;
}

describe("phasegate plan --json when it exits 2", () => {
  it("a settings module that fails to import", async () => {
    const error = await failingJsonPlan(["--python", python, "--settings", "corpus.broken_settings"]);
    expect(error).toMatchObject({ kind: "settings", file: null, line: null });
    expect(error.message).toContain("the Django settings corpus.broken_settings failed to load");
  });

  it("a malformed option, before anything runs", async () => {
    const error = await failingJsonPlan(["--target", "fieldops"]);
    expect(error).toMatchObject({
      kind: "usage",
      message: expect.stringContaining("--target takes app:migration"),
    });
  });

  it("a directory without manage.py", async () => {
    const error = await failingJsonPlan([], path.join(repoRoot, "src"));
    expect(error.message).toContain("no manage.py in");
  });

  it("a migration file that cannot be loaded: its file, relative to where phasegate runs, and line", async () => {
    const project = await mkdtemp(path.join(os.tmpdir(), "phasegate-plan-json-"));
    try {
      await writeTinyProject(project, {
        "0002_typo":
          "from django.db import migrations\n\nclass Migration(migrations.Migration):\n    x = 1 / 0\n",
      });
      const error = await failingJsonPlan(["--python", python], project);
      expect(error).toMatchObject({
        kind: "graph",
        file: path.relative(repoRoot, path.join(project, "notes", "migrations", "0002_typo.py")),
        line: 4,
      });
      expect(error.message).toContain("ZeroDivisionError");
    } finally {
      await rm(project, { recursive: true, force: true });
    }
  });
});

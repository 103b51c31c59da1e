import { mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolvePython } from "../../src/django/python.js";
import { LocalProcessExecutor } from "../../src/executors/local-process.js";
import { type FakePythons, fakePythons } from "../../testkit/fake-python.js";
import { findDjangoPython } from "../../testkit/python.js";

const python = findDjangoPython();
let scratch: string;
let fakes: FakePythons;

// The files of a fork share its environment (isolate: false): what this file unsets, it sets back.
const outerPython = process.env.PHASEGATE_PYTHON;

beforeAll(async () => {
  delete process.env.PHASEGATE_PYTHON;
  scratch = await mkdtemp(path.join(os.tmpdir(), "phasegate-python-"));
  fakes = await fakePythons();
});
afterAll(async () => {
  if (outerPython !== undefined) process.env.PHASEGATE_PYTHON = outerPython;
  await rm(scratch, { recursive: true, force: true });
  await fakes.remove();
});

async function projectWith(venvs: Record<string, string>): Promise<string> {
  const project = await mkdtemp(path.join(scratch, "project-"));
  for (const [venv, target] of Object.entries(venvs)) {
    await mkdir(path.join(project, venv, "bin"), { recursive: true });
    await symlink(target, path.join(project, venv, "bin", "python"));
  }
  return project;
}

const local = new LocalProcessExecutor();

describe("resolvePython", () => {
  it("takes an explicit command as it is", async () => {
    expect(await resolvePython(local, scratch, ["poetry", "run", "python"])).toEqual([
      "poetry",
      "run",
      "python",
    ]);
  });

  it("prefers the project's .venv when it can import Django", async () => {
    const project = await projectWith({ ".venv": python });
    expect(await resolvePython(local, project)).toEqual([path.join(project, ".venv", "bin", "python")]);
  });

  it("skips a virtualenv without Django and takes the next candidate", async () => {
    const noDjango = await fakes.printing("no-django", "", 1);
    const project = await projectWith({ ".venv": noDjango, venv: python });
    expect(await resolvePython(local, project)).toEqual([path.join(project, "venv", "bin", "python")]);
  });

  it("without a virtualenv, finds a Python on this machine that imports Django", async () => {
    const [found] = await resolvePython(local, await projectWith({}));
    expect(["python3", "/usr/bin/python3"]).toContain(found);
  });
});

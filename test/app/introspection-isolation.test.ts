import { randomUUID } from "node:crypto";
import { appendFile, cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../testkit/engine-harness.js";
import { killProcessesWithEnv, processesGone } from "../../testkit/processes.js";
import { findDjangoPython } from "../../testkit/python.js";
import { shopDir } from "../../testkit/run-cli.js";

/** Every process of the hanging service's helper inherits this variable: the test finds them in /proc by it. */
const MARKER = "PHASEGATE_HANG_TEST";
const marker = randomUUID();
let h: Harness;
let hangDir: string;

beforeAll(async () => {
  // The shop, with a settings module that hangs on import (it notes each helper run first).
  hangDir = await mkdtemp(path.join(tmpdir(), "phasegate-hang-"));
  await cp(shopDir, hangDir, { recursive: true });
  await appendFile(
    path.join(hangDir, "shop", "settings.py"),
    '\nimport os, time\nopen(os.environ["HANG_LOG"], "a").write("started\\n")\ntime.sleep(600)\n',
  );
  h = await createHarness("hang", {
    shop: {},
    hang: {
      config: {
        project: {
          path: hangDir,
          python: [findDjangoPython()],
          env: { [MARKER]: marker, HANG_LOG: path.join(hangDir, "runs.log") },
        },
        introspection: { timeoutSeconds: 3 },
      },
    },
  });
}, 60_000);

afterAll(async () => {
  killProcessesWithEnv(MARKER, marker);
  await h.close();
  await rm(hangDir, { recursive: true, force: true });
});

const plan = (service: string, requester: string) =>
  h.engine.useCases.startRun({ service, version: "v2", requester, dryRun: true });

describe("a service whose Django settings hang", () => {
  it("holds at most half of the slots, its plans end at its timeout with its helpers killed, another service is answered", {
    timeout: 90_000,
  }, async () => {
    const began = Date.now();
    // Three users plan it, one of them twice: the second of theirs joins the first.
    const hanging = ["U_ONE", "U_TWO", "U_THREE", "U_ONE"].map((user) =>
      plan("hang", user).then((result) => ({ result, ms: Date.now() - began })),
    );
    const other = Date.now();
    const answered = await plan("shop", "U_ONE");
    expect(answered).toMatchObject({ ok: true });
    expect(Date.now() - other).toBeLessThan(10_000);

    const results = await Promise.all(hanging);
    for (const { result } of results) {
      expect(result).toMatchObject({ ok: false, code: "introspection-failed" });
      const message = result.ok ? "" : result.message;
      expect(message).toContain("could not read the pending migrations of hang");
      expect(message).toContain("did not finish within 3 s and was stopped (its processes killed)");
      expect(message).toContain("introspection.timeoutSeconds");
    }
    // Two ran at once (half of the 4 slots); the third waited for one of them; the repeated plan joined.
    const [one, two, three, again] = results.map((r) => r.ms);
    expect(Math.max(one ?? 0, two ?? 0)).toBeLessThan(15_000);
    expect(three).toBeGreaterThanOrEqual(Math.min(one ?? 0, two ?? 0));
    // Joined: it ends with the first (each caller's own answer after the shared helper may take a millisecond
    // more or less), long before the third, which waited for a slot and then for its own timeout.
    expect(Math.abs((again ?? 0) - (one ?? 0))).toBeLessThan(500);
    expect(again).toBeLessThan(three ?? 0);
    const runs = (await readFile(path.join(hangDir, "runs.log"), "utf8")).trim().split("\n");
    expect(runs).toHaveLength(3);
    expect(await processesGone(MARKER, marker)).toEqual([]);
  });
});

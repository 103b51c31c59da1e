import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { findDjangoPython } from "../../testkit/python.js";
import { shopDir } from "../../testkit/run-cli.js";
import { runIdIn } from "../../testkit/run-ids.js";
import { ALICE, type SlackHarness, startSlackHarness } from "../../testkit/slack-setup.js";

let h: SlackHarness;

beforeAll(async () => {
  h = await startSlackHarness("nomigrations", { withWorker: true, extraServices: { current: {} } });
  // Every migration of the release is applied already: the release only changes code.
  const file = parse(await readFile(h.servicesFile, "utf8"));
  execFileSync(findDjangoPython(), ["manage.py", "migrate", "--no-input"], {
    cwd: shopDir,
    env: { ...process.env, DATABASE_URL: file.services.current.project.env.DATABASE_URL },
    stdio: "ignore",
  });
}, 90_000);

afterAll(() => h?.close());

describe("a release with no pending migrations (Slack emulator)", () => {
  it("/migrate plan says deploy and wait only, and /migrate start runs exactly that: deploy, wait, succeeded, no gate", {
    timeout: 120_000,
  }, async () => {
    const plan = await h.migrate("plan current v9", ALICE);
    expect(plan.all).toContain("Plan for current v9");
    expect(plan.all).toContain("2 steps, nothing destructive");
    expect(plan.all).toContain("No pending migrations: deploy and wait only");
    expect(plan.all).toContain("Deploy the new code");
    expect(plan.all).toContain("Wait until every instance runs the new code");

    const started = await h.migrate("start current v9", ALICE);
    expect(started.text).toContain("Started *current-");
    const runId = runIdIn(started.text, "current");
    const done = await h.waitForRun(runId, (r) => ["succeeded", "failed"].includes(r.status));
    expect(done.status).toBe("succeeded");
    expect(done.plan.steps.map((s) => s.kind)).toEqual(["deploy", "wait-rollout"]);
    expect(done.steps.map((s) => s.status)).toEqual(["succeeded", "succeeded"]);
    expect(done.steps[0]?.message).toBe("deployed current v9");
    expect(done.gates).toEqual([]);
  });
});

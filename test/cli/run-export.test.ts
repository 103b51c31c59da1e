import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { applyRunEvent } from "../../src/domain/run/reducer.js";
import type { Run } from "../../src/domain/run/run.js";
import type { RedisClient } from "../../src/net/redis/connect.js";
import type { AuditEntry } from "../../src/ports/run-store.js";
import { RedisRunStore } from "../../src/store/redis-run-store.js";
import { writeMinimalServices } from "../../testkit/minimal-services.js";
import { CREATED_AUDIT, shopRun } from "../../testkit/plans.js";
import { connectRedis, deleteKeys, redisUrl, uniquePrefix } from "../../testkit/redis.js";
import { runCli } from "../../testkit/run-cli.js";

const prefix = uniquePrefix("export");
let redis: RedisClient;
let dir: string;
let services: string;

beforeAll(async () => {
  redis = connectRedis();
  dir = await mkdtemp(path.join(os.tmpdir(), "phasegate-export-"));
  services = await writeMinimalServices(dir, "C0SHOP", { approvers: { users: ["U_BOB"] } });
});

afterAll(async () => {
  await deleteKeys(redis, prefix);
  redis.disconnect();
  await rm(dir, { recursive: true, force: true });
});

/** The same services file with `retention:` set. */
async function withRetention(days: number): Promise<string> {
  const file = path.join(dir, `services-${days}.yaml`);
  await writeFile(
    file,
    stringify({ ...parse(await readFile(services, "utf8")), retention: { finishedRunDays: days } }),
  );
  return file;
}

const cli = (args: string[], file = services) =>
  runCli(["run", ...args], { PHASEGATE_SERVICES: file, REDIS_URL: redisUrl, PHASEGATE_PREFIX: prefix });

/** A shop run cancelled before its first step: finished, with its two audit entries. */
async function finishedRun(store: RedisRunStore): Promise<Run> {
  const created = await store.create("shop", (id) => shopRun({ id }), CREATED_AUDIT);
  if (!created.ok) throw new Error(`shop is held by ${created.activeRunId}`);
  const cancelled = applyRunEvent(
    created.run,
    { type: "cancelled", by: "U_ALICE" },
    new Date().toISOString(),
  );
  if (!cancelled.ok) throw new Error(cancelled.reason);
  expect(await store.save(cancelled.run, created.run.revision, CREATED_AUDIT)).toEqual({ ok: true });
  return cancelled.run;
}

describe("phasegate run export", () => {
  it("writes a run and its whole audit as JSON, to stdout or --out, as the store has them", async () => {
    const store = new RedisRunStore(redis, prefix);
    const run = await finishedRun(store);
    const printed = await cli(["export", "--run", run.id]);
    expect(printed.stderr).toBe("");
    expect(printed.code).toBe(0);
    const exported = JSON.parse(printed.stdout) as { run: Run; audit: AuditEntry[] };
    expect(exported.run).toEqual(await store.get(run.id));
    expect(exported.audit).toEqual(await store.audit(run.id));
    expect(exported.audit.map((e) => e.action)).toEqual(["created", "created"]);

    const out = path.join(dir, "run.json");
    const written = await cli(["export", "--run", run.id, "--out", out]);
    expect(written.code).toBe(0);
    expect(written.stdout).toBe("");
    expect(written.stderr).toContain(`wrote ${run.id} and its 2 audit entries to ${out}`);
    expect(JSON.parse(await readFile(out, "utf8"))).toEqual(exported);

    const unwritable = await cli(["export", "--run", run.id, "--out", path.join(dir, "missing", "run.json")]);
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toContain("cannot write");
  }, 240_000);

  it("says a run past its retention is gone, and how long finished runs are kept", async () => {
    const oneSecond = await withRetention(1 / 86_400);
    const run = await finishedRun(new RedisRunStore(redis, prefix, { finishedRunMs: 1000 }));
    const until = Date.now() + 10_000;
    while ((await redis.exists(`${prefix}run:${run.id}`)) === 1 && Date.now() < until)
      await new Promise((resolve) => setTimeout(resolve, 100));

    const status = await cli(["status", "--run", run.id], oneSecond);
    expect(status.code).toBe(1);
    expect(status.stderr).toContain(`no run ${run.id} (finished runs are kept 1 second)`);
    const exported = await cli(["export", "--run", run.id], oneSecond);
    expect(exported.code).toBe(1);
    expect(exported.stdout).toBe("");
    const list = await cli(["list", "--service", "shop"], oneSecond);
    expect(list.code).toBe(0);
    expect(list.stdout).not.toContain(run.id);
    expect(list.stdout).toContain("(finished runs are kept 1 second)");

    const byDefault = await cli(["status", "--run", "shop-mik38h5c-999"]);
    expect(byDefault.stderr).toContain("no run shop-mik38h5c-999 (finished runs are kept 90 days)");
  }, 240_000);
});

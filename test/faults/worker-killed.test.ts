import { randomUUID } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Run } from "../../src/domain/run/run.js";
import { SlackFake } from "../../src/slack-emulator/index.js";
import { APPROVER, createHarness, type Harness, REQUESTER } from "../../testkit/engine-harness.js";
import { killProcessesWithEnv, processesGone } from "../../testkit/processes.js";
import { redisUrl } from "../../testkit/redis.js";
import { runCli } from "../../testkit/run-cli.js";
import { shopWithProducts } from "../../testkit/shop-table.js";
import { holdLock } from "../app/steps/pg-sessions.js";
import { spawnWorker, type WorkerProcess } from "../wiring/worker-process.js";

/** Every process a worker starts inherits this variable: a test finds them all in /proc by it. */
const MARKER = "PHASEGATE_FAULT_TEST";
const CHANNEL = "C_SHOP";

/**
 * Deploy hook: logs "start <pid> <ns> <attempt>" and "end <pid> <ns>" to <runId>.deploy-log; its first attempt
 * takes long enough to be killed in the middle.
 */
const DEPLOY_SH = `echo "start $$ $(date +%s%N) $3" >> "$1.deploy-log"
if [ "$3" = 1 ]; then sleep 60; fi
echo "end $$ $(date +%s%N)" >> "$1.deploy-log"
echo "deployed $2 (attempt $3)"
`;

let h: Harness;
let slack: SlackFake;
const workers: WorkerProcess[] = [];
const markers: string[] = [];

beforeAll(async () => {
  h = await createHarness("faults", {
    shop: {
      config: {
        deployer: {
          kind: "command",
          command: ["sh", "fault-deploy.sh", "{runId}", "{version}", "{attempt}"],
        },
        // The expand migrate waits for the table lock a reader holds, long enough to be killed while it waits
        // (without live facts it does not wait for the reader before it starts).
        lockGuard: { lockTimeoutMs: 30_000, maxTries: 3 },
        liveFacts: { enabled: false },
      },
    },
  });
  await writeFile(h.file("fault-deploy.sh"), DEPLOY_SH);
  slack = await new SlackFake().start();
});

afterAll(async () => {
  for (const worker of workers) worker.killHard();
  for (const marker of markers) killProcessesWithEnv(MARKER, marker);
  await slack.stop();
  await h.close();
});

const slackEnv = () => ({ SLACK_BOT_TOKEN: "xoxb-faults", SLACK_API_URL: slack.apiUrl });

/** A `phasegate worker` process whose descendants carry a marker of their own. */
function worker(): { process: WorkerProcess; marker: string } {
  const marker = randomUUID();
  markers.push(marker);
  const log = h.file(`worker-${workers.length + 1}.log`);
  const started = spawnWorker(h.file("services.yaml"), h.prefix, log, {
    env: { ...slackEnv(), [MARKER]: marker },
  });
  workers.push(started);
  return { process: started, marker };
}

const cli = (args: string[], user: string) =>
  runCli(["run", ...args], {
    PHASEGATE_SERVICES: h.file("services.yaml"),
    REDIS_URL: redisUrl,
    PHASEGATE_PREFIX: h.prefix,
    PHASEGATE_USER: user,
    ...slackEnv(),
  });

async function until(what: string, check: () => Promise<boolean> | boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`never saw ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** SIGKILLs the worker process alone; resolves once nothing it started is left, at that time (ms). */
async function killWorker(target: { process: WorkerProcess; marker: string }): Promise<number> {
  target.process.killAlone();
  expect(await processesGone(MARKER, target.marker)).toEqual([]);
  return Date.now();
}

function threadTexts(): string[] {
  return slack.history(CHANNEL).map((m) => m.text ?? "");
}

describe("a worker process killed with SIGKILL, alone, in each kind of step", () => {
  it("leaves nothing running; the next worker finds what it did, runs each step once at a time, and finishes", {
    timeout: 240_000,
  }, async () => {
    const db = h.databases.get("shop");
    if (!db) throw new Error("no database");
    shopWithProducts(db, 10);
    const reader = await holdLock(db.name, "catalog_product", "ACCESS SHARE");
    const started = await cli(["start", "--service", "shop", "--version", "v2", "--json"], REQUESTER);
    expect(started.stderr).toBe("");
    const runId = (JSON.parse(started.stdout) as Run).id;

    // 1. During the expand migrate, while its ALTER TABLE waits for the reader's lock.
    const first = worker();
    const waitingAlter = () =>
      db.query(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'ALTER%'",
      );
    await until("the migrate waiting for the table lock", () => waitingAlter() === "1");
    await killWorker(first);
    const second = worker();
    await h.waitFor(runId, (r) => r.steps[0]?.executions === 2, "the migrate taken over");
    // The killed migrate's backend still waits in the server; the new migrate waits for it, not alongside it.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await reader.release();

    // 2. During the deploy (its first attempt sleeps).
    await until("the deploy running", async () => (await h.read(`${runId}.deploy-log`)).includes("start"));
    const deployKilledAt = await killWorker(second);
    const third = worker();

    // 3. At the gate, where no step runs.
    await h.waitFor(runId, (r) => r.status === "awaiting-approval", "to the gate");
    await killWorker(third);
    worker();
    const approved = await cli(["approve", "--run", runId], APPROVER);
    expect(approved.stderr).toBe("");
    const done = await h.waitFor(runId, (r) => r.status === "succeeded", "succeeded");

    // The schema went through expand and contract once each.
    expect(h.columns("shop")).toEqual(["id", "is_active", "name"]);
    expect(db.query("SELECT count(*) FROM catalog_product")).toBe("10");
    const migrate = done.steps[0];
    expect(migrate).toMatchObject({ status: "succeeded", attempts: 1, executions: 2 });
    const migrateLog = migrate?.commands.map((c) => c.stderrTail).join("\n") ?? "";
    expect(migrateLog).toContain(
      `another migrate of database ${db.name} is still running (PostgreSQL backend`,
    );
    expect(migrateLog).toContain("ended; going on");
    // The gate is decided by an approver, never executed by a worker.
    expect(done.steps.map((s) => s.executions)).toEqual([2, 2, 1, 0, 1]);

    // The deploy ran twice, never at once: the killed one was gone before the second started.
    const deploys = (await h.read(`${runId}.deploy-log`))
      .trim()
      .split("\n")
      .map((l) => l.split(" "));
    expect(deploys.map((d) => [d[0], d[3]])).toEqual([
      ["start", "1"],
      ["start", "2"],
      ["end", undefined],
    ]);
    expect(Number(deploys[1]?.[2]) / 1e6).toBeGreaterThanOrEqual(deployKilledAt - 1000);
    expect(deploys[2]?.[1]).toBe(deploys[1]?.[1]);

    // What the audit and the thread say.
    const audit = (await h.engine.useCases.audit(runId)) ?? [];
    const takenOver = audit.filter((a) => a.action === "step-taken-over");
    expect(takenOver.map((a) => a.detail)).toEqual([
      expect.stringMatching(
        /^step 1: the worker restarted during the migrate; attempt 1 left nothing running; running it again, attempt 2: /,
      ),
      "step 2: the worker restarted during the deploy; attempt 1 left nothing running; running it again, attempt 2",
    ]);
    await slack.waitFor(() => threadTexts().some((t) => t.includes("is fully migrated")), 20_000);
    const thread = threadTexts();
    expect(thread).toContainEqual(
      expect.stringContaining(
        "Deploy the new code): the worker restarted during the deploy; attempt 1 left nothing running; running it again, attempt 2",
      ),
    );
    expect(thread).toContainEqual(
      expect.stringContaining("Apply 1 expand migration): the worker restarted during the migrate"),
    );
    expect(
      thread.filter((t) => t.includes("finished") && t.includes("deployed v2 (attempt 2)")),
    ).toHaveLength(1);
  });
});

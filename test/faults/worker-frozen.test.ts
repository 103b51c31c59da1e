import { randomUUID } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../testkit/engine-harness.js";
import { killProcessesWithEnv } from "../../testkit/processes.js";
import { spawnWorker, type WorkerProcess } from "../wiring/worker-process.js";

/** Every process a worker starts inherits this variable: a test finds them all in /proc by it. */
const MARKER = "PHASEGATE_FROZEN_TEST";

/**
 * Deploy hook (argv: run id, version, attempt): logs "start <ns> <attempt>" and "end <ns> <attempt>" to
 * <runId>.deploy-log. The first attempt takes 20 s (its worker is frozen meanwhile; the next worker takes the step over long before), the next one 3 s.
 */
const DEPLOY_SH = `echo "start $(date +%s%N) $3" >> "$1.deploy-log"
if [ "$3" = 1 ]; then sleep 20; else sleep 3; fi
echo "end $(date +%s%N) $3" >> "$1.deploy-log"
echo "deployed $2 (attempt $3)"
`;

let h: Harness;
const workers: WorkerProcess[] = [];
const marker = randomUUID();

beforeAll(async () => {
  h = await createHarness("frozen", {
    shop: {
      config: {
        deployer: {
          kind: "command",
          command: ["sh", "frozen-deploy.sh", "{runId}", "{version}", "{attempt}"],
        },
      },
    },
  });
  await writeFile(h.file("frozen-deploy.sh"), DEPLOY_SH);
});

afterAll(async () => {
  for (const worker of workers) {
    worker.child.kill("SIGCONT");
    worker.killHard();
  }
  killProcessesWithEnv(MARKER, marker);
  await h.close();
});

function worker(name: string): WorkerProcess {
  const started = spawnWorker(h.file("services.yaml"), h.prefix, h.file(`${name}.log`), {
    env: { [MARKER]: marker },
  });
  workers.push(started);
  return started;
}

async function until(what: string, check: () => Promise<boolean> | boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`never saw ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The deploy log as [event, time in ms, attempt]. */
async function deployLog(runId: string): Promise<Array<[string, number, string]>> {
  const text = await h.read(`${runId}.deploy-log`).catch(() => "");
  return text
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [event = "", ns = "0", attempt = ""] = line.split(" ");
      return [event, Number(ns) / 1e6, attempt];
    });
}

describe("a worker frozen (SIGSTOP) during a long deploy while another takes the step over", () => {
  it("never runs the deploy twice at once, and counts only the attempt that owns the step", {
    timeout: 180_000,
  }, async () => {
    const run = await h.start("shop", "v2");
    const first = worker("worker-frozen");
    await until("the first deploy running", async () =>
      (await deployLog(run.id)).some(([event]) => event === "start"),
    );
    first.child.kill("SIGSTOP");
    worker("worker-taking-over");

    // The second worker waits for attempt 1's process group, then runs attempt 2; the first wakes meanwhile.
    await until("attempt 2 started", async () =>
      (await deployLog(run.id)).some(([event, , attempt]) => event === "start" && attempt === "2"),
    );
    first.child.kill("SIGCONT");

    const atGate = await h.waitFor(run.id, (r) => r.status === "awaiting-approval", "to the gate");
    const log = await deployLog(run.id);
    expect(log.map(([event, , attempt]) => [event, attempt])).toEqual([
      ["start", "1"],
      ["end", "1"],
      ["start", "2"],
      ["end", "2"],
    ]);
    const [, end1] = log[1] ?? [];
    const [, start2] = log[2] ?? [];
    const [, end2] = log[3] ?? [];
    expect(start2).toBeGreaterThanOrEqual(end1 ?? Number.POSITIVE_INFINITY);

    // The deploy that counts is attempt 2's, recorded after it ended; the gate opened after that.
    const deploy = atGate.steps[1];
    expect(deploy).toMatchObject({ status: "succeeded", executions: 2, message: "deployed v2 (attempt 2)" });
    expect(Date.parse(deploy?.finishedAt ?? "")).toBeGreaterThanOrEqual(Math.floor(end2 ?? Infinity));
    expect(Date.parse(atGate.steps[3]?.startedAt ?? "")).toBeGreaterThanOrEqual(Math.floor(end2 ?? Infinity));

    const audit = (await h.engine.useCases.audit(run.id)) ?? [];
    expect(audit.find((a) => a.action === "step-taken-over")?.detail).toMatch(
      /^step 2: the worker restarted during the deploy; attempt 1 was still running \(its worker stopped answering\): it ended by itself after \d+ s of waiting; running it again, attempt 2$/,
    );
    // The woken worker's report was refused, and its log says so.
    await until("the frozen worker's report refused", async () =>
      ((await h.engine.useCases.audit(run.id)) ?? []).some(
        (a) => a.outcome === "refused" && a.detail?.includes("attempt 1 of step 2 no longer owns it"),
      ),
    );
    const frozenLog = await readFile(h.file("worker-frozen.log"), "utf8");
    const refused = frozenLog
      .split("\n")
      .filter((line) => line.includes('"msg":"step result not recorded"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(refused).toEqual([
      expect.objectContaining({ level: "warn", runId: run.id, step: 1, attempt: 1, outcome: "succeeded" }),
    ]);
    expect(atGate.steps.filter((s) => s.status === "succeeded")).toHaveLength(3);
  });
});

import { writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../testkit/engine-harness.js";
import { spawnWorker, type WorkerProcess } from "./worker-process.js";

let h: Harness;
let worker: WorkerProcess | undefined;

beforeAll(async () => {
  h = await createHarness("sigterm", { shop: {} });
});

afterAll(async () => {
  worker?.killHard();
  await h.close();
});

describe("a worker process stopped with SIGTERM", () => {
  it("finishes the step it runs, records it, exits 0, and another worker goes on from there", async () => {
    await writeFile(h.file("shop.deploy-sleep"), "3");
    const { id: runId } = await h.start("shop");
    worker = spawnWorker(h.file("services.yaml"), h.prefix, h.file("worker.log"));
    await h.waitFor(runId, (r) => r.steps[1]?.status === "running", "its deploy running");
    while (!(await h.read(`${runId}.deploy`)).includes("start")) await new Promise((r) => setTimeout(r, 50));

    expect(await worker.stop()).toBe(0);
    const stopped = await h.engine.useCases.status(runId);
    expect(stopped?.steps[1]?.status).toBe("succeeded");
    expect(stopped?.steps[2]?.status).toBe("pending");
    expect(await h.read(`${runId}.deploy`)).toBe("start\ndone\n");

    h.startWorkers(1);
    await h.waitFor(runId, (r) => r.status === "awaiting-approval", "to the gate");
    expect(await h.read(`${runId}.deploy`)).toBe("start\ndone\n");
  });
});

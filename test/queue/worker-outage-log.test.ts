import pino from "pino";
import { describe, expect, it } from "vitest";
import { freePort } from "../../src/net/free-ports.js";
import { createRedisClient } from "../../src/net/redis/connect.js";
import { createStepWorker } from "../../src/queue/step-worker.js";
import { storeKeys } from "../../src/store/keys.js";

const nothing = async () => undefined;

describe("a worker whose Redis is down", () => {
  it("says so once, with what to check, instead of a line per reconnection attempt", async () => {
    const lines: Array<{ msg: string; leftOut?: number }> = [];
    const logger = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const connection = createRedisClient(
      { kind: "standalone", url: `redis://127.0.0.1:${await freePort()}` },
      "serve",
    );
    connection.on("error", () => undefined);
    const worker = createStepWorker(
      {
        connection,
        bullPrefix: storeKeys("{outage-log}:").bull(),
        logger,
        concurrency: 1,
        lockDurationMs: 2000,
        stalledIntervalMs: 1000,
        maxStalledCount: 1,
      },
      {
        step: nothing,
        approvalTimeout: nothing,
        gateReminder: nothing,
        abandoned: nothing,
        rollback: nothing,
        rollbackAbandoned: nothing,
      },
    );
    let errors = 0;
    worker.on("error", () => {
      errors += 1;
    });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const logged = lines.filter((line) => line.msg.startsWith("step worker error"));
    expect(errors).toBeGreaterThan(3);
    expect(logged).toHaveLength(1);
    expect(logged[0]?.msg).toContain("check REDIS_URL");
    await worker.close(true);
    connection.disconnect();
  });
});

import { describe, expect, it } from "vitest";
import { runCli } from "../../testkit/run-cli.js";

describe("phasegate sandbox with a bad environment", () => {
  it("a REDIS_URL that is not a Redis URL is named with its fix, exit 2, no stack trace", async () => {
    const run = await runCli(["sandbox", "--port", "0"], { REDIS_URL: "banana", LOG_LEVEL: "error" });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      "phasegate sandbox: REDIS_URL: must be a redis:// or rediss:// (TLS) URL, e.g. rediss://:password@redis.internal:6380/0\n",
    );
  });

  it("a blank --port is refused, not read as 0 (any free port)", async () => {
    const run = await runCli(["sandbox", "--port", ""], { LOG_LEVEL: "error" });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "phasegate sandbox: --port: must be a port number from 0 to 65535, e.g. 3100",
    );
  });
});

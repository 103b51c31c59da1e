import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../testkit/run-cli.js";

/** What the process's own logger writes, read from a real process's stderr as a log collector would. */
function logLines(script: string): Array<Record<string, unknown>> {
  const result = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: repoRoot,
    env: { ...process.env, VITEST: "", LOG_LEVEL: "debug" },
    encoding: "utf8",
  });
  expect(result.status, result.stderr).toBe(0);
  return result.stderr
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("log lines", () => {
  it("carry the level as a word and the severity Cloud Logging sorts by", () => {
    const lines = logLines(`
      const { logger } = await import("./src/telemetry/pino-logger.ts");
      logger.debug("d"); logger.info({ run: "shop-1" }, "i"); logger.warn("w"); logger.error("e"); logger.fatal("f");
      logger.flush();
    `);
    expect(lines.map((line) => [line.msg, line.level, line.severity]).sort()).toEqual([
      ["d", "debug", "DEBUG"],
      ["e", "error", "ERROR"],
      ["f", "fatal", "CRITICAL"],
      ["i", "info", "INFO"],
      ["w", "warn", "WARNING"],
    ]);
    expect(lines.find((line) => line.msg === "i")).toMatchObject({ name: "phasegate", run: "shop-1" });
  });
});

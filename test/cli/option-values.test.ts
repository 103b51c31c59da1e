import { describe, expect, it } from "vitest";
import { runCli } from "../../testkit/run-cli.js";

describe("a refused option value names the option", () => {
  it.each([
    [["run", "list", "--limit", "abc"], "--limit"],
    [["run", "reject", "--run", "shop-mik38h5c-2", "--reason", ""], "--reason"],
    [["run", "approve", "--run", "shop-mik38h5c-2", "--gate", ""], "--gate"],
    [["sandbox", "--port", "abc"], "--port"],
    [["sandbox", "--replicas", "0"], "--replicas"],
    [["worker", "--lock-duration-ms", "1e400"], "--lock-duration-ms"],
  ])("phasegate %j", async (args, option) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    const [message] = run.stderr.split("\n");
    expect(message).toContain(`${option}:`);
    expect(run.stderr).toContain("--help for usage.");
    expect(run.stdout).toBe("");
  });
});

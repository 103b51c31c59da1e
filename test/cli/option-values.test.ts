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

describe("a value option given twice is refused, not half-ignored", () => {
  it.each([
    [["run", "cancel", "--run", "shop-mik38h5c-1", "--run", "shop-mik38h5c-2"], "--run"],
    [["plan", "--project", "examples/shop", "--project", "/tmp"], "--project"],
    // --help: without the check, the sandbox would print its usage instead of starting.
    [["sandbox", "--port", "0", "--port=3100", "--help"], "--port"],
  ])("phasegate %j", async (args, option) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr.split("\n")[0]).toMatch(
      new RegExp(`: ${option} is given more than once: give it once$`),
    );
    expect(run.stdout).toBe("");
  });

  it("a repeatable option and a repeated flag are still taken", async () => {
    const run = await runCli(["plan", "--help", "--help", "--target", "a:b", "--target", "c:d"]);
    expect(run.code).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import { commandDeployerSchema } from "../../src/config/services-schema.js";
import { LocalProcessExecutor } from "../../src/executors/local-process.js";
import { CommandDeployer } from "../../src/hooks/command-deployer.js";

const deployer = (keys: Record<string, unknown>) =>
  new CommandDeployer(
    commandDeployerSchema.parse({ kind: "command", command: ["true"], ...keys }),
    process.cwd(),
    new LocalProcessExecutor(),
  );

const request = { runId: "shop-1", service: "shop", version: "v2" };

describe("CommandDeployer.halt (a cancel during the rollout wait)", () => {
  it("runs haltCommand with the run's values and keeps its output with the step", async () => {
    const halted = await deployer({
      haltCommand: ["sh", "-c", 'echo "paused $0 of $1 for $2"', "{version}", "{service}", "{runId}"],
    }).halt(request);
    expect(halted.message).toBe("paused v2 of shop for shop-1");
    expect(halted.commands?.[0]).toMatchObject({ exitCode: 0, stdoutTail: "paused v2 of shop for shop-1\n" });
  });

  it("says the rollout goes on when the services file sets no haltCommand", async () => {
    expect((await deployer({}).halt(request)).message).toBe(
      "the deploy command has no haltCommand in the services file, so the rollout goes on",
    );
  });

  it("fails with what a failing haltCommand said", async () => {
    await expect(
      deployer({ haltCommand: ["sh", "-c", "echo no such rollout >&2; exit 4"] }).halt(request),
    ).rejects.toThrow(/sh exited with 4: no such rollout/);
  });
});

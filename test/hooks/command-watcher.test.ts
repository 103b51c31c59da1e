import { describe, expect, it } from "vitest";
import { commandRolloutSchema } from "../../src/config/services-schema.js";
import { LocalProcessExecutor } from "../../src/executors/local-process.js";
import { CommandRolloutWatcher } from "../../src/hooks/command-watcher.js";

function watcher(script: string) {
  const config = commandRolloutSchema.parse({
    kind: "command",
    command: ["sh", "-c", script, "sh", "{version}"],
  });
  return new CommandRolloutWatcher(config, process.cwd(), new LocalProcessExecutor());
}

const request = { runId: "shop-1", service: "shop", version: "v2" };

describe("CommandRolloutWatcher", () => {
  it("exit 0 is done, with the command's last line", async () => {
    expect(await watcher('echo "3 of 3 run $1"').check(request)).toEqual({
      done: true,
      failed: false,
      message: "3 of 3 run v2",
    });
  });

  it("exit 75 is not yet", async () => {
    expect(await watcher('echo "1 of 3 run $1"; exit 75').check(request)).toEqual({
      done: false,
      failed: false,
      message: "1 of 3 run v2",
    });
  });

  it("any other exit means the rollout failed, with what the command said", async () => {
    expect(await watcher('echo "image $1 not found" >&2; exit 2').check(request)).toEqual({
      done: false,
      failed: true,
      message: "sh exited with 2: image v2 not found",
    });
  });
});

import type { ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SandboxProcess, startSandboxProcess } from "../../testkit/sandbox-process.js";

const started: ChildProcess[] = [];
let sandbox: SandboxProcess;
let port: number;

beforeAll(async () => {
  sandbox = await startSandboxProcess([], started);
  port = Number(new URL(sandbox.url).port);
}, 90_000);

afterAll(() => {
  for (const child of started) if (child.exitCode === null) child.kill("SIGINT");
});

async function residentMiB(): Promise<number> {
  const status = await readFile(`/proc/${sandbox.child.pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
}

/** Opens the page's event stream and hangs up before its first event, as a closed tab or a scanner does. */
function openAndLeave(): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(`GET /api/events?user=U0ALICE HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
      setTimeout(() => socket.destroy(), 1);
    });
    socket.on("close", () => resolve());
    socket.on("error", () => undefined);
  });
}

describe("the built-in sandbox against a hostile local client", () => {
  it("streams left before their first event are forgotten: memory stays flat", async () => {
    const leaveMany = async (count: number) => {
      for (let i = 0; i < count; i += 100) await Promise.all(Array.from({ length: 100 }, openAndLeave));
    };
    // The first thousands grow the heap to its working size, leak or not.
    await leaveMany(2000);
    const before = await residentMiB();
    await leaveMany(2000);
    // The fleet panel is sent every second to every stream still listened to.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    // Before the fix every left stream stayed listened to: about 110 MB more here.
    expect((await residentMiB()) - before).toBeLessThan(50);
  }, 60_000);
});

import type { ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_CONNECTIONS, SERVER_TIMEOUTS } from "../../src/net/http/server-limits.js";
import { RawClient } from "../../testkit/raw-client.js";
import { repoRoot } from "../../testkit/run-cli.js";
import { startSandboxProcess } from "../../testkit/sandbox-process.js";
import { dribbleBeside, floodPast } from "../../testkit/slow-clients.js";

const services = path.join(repoRoot, "examples", "services.example.yaml");
const USER = "U0AAAAAAA";
const CHANNEL = "C0123456789";
const started: ChildProcess[] = [];
let port: number;

beforeAll(async () => {
  // A services file, not the story: no database or fleet is needed to serve the page.
  const sandbox = await startSandboxProcess(["--services", services], started);
  port = Number(new URL(sandbox.url).port);
}, 90_000);

afterAll(() => {
  for (const child of started) if (child.exitCode === null) child.kill("SIGINT");
});

describe("the sandbox page against slow and flooding clients", () => {
  it("cuts a client dribbling its headers off within the headers limit; the page answers, its event stream outlives the request limit", async () => {
    const stream = new RawClient(port).send("GET", `/api/events?user=${USER}`);
    await stream.waitFor("event: snapshot");
    const streamOpened = Date.now();
    const { other, answer, closedAfterMs } = await dribbleBeside(port, "/", 20_000);
    expect(other).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    // Before, Node's defaults kept it 60 to 90 s.
    expect(closedAfterMs).toBeLessThan(SERVER_TIMEOUTS.headersTimeout + 2500);

    const pastLimit = SERVER_TIMEOUTS.requestTimeout + 2 * SERVER_TIMEOUTS.connectionsCheckingInterval;
    await new Promise((resolve) => setTimeout(resolve, streamOpened + pastLimit - Date.now()));
    const help = await new RawClient(port)
      .send("POST", "/api/command", { user: USER, channel: CHANNEL, text: "/migrate help" })
      .answer();
    expect(help).toMatch(/^HTTP\/1\.1 200 /);
    await stream.waitFor("event: message");
    stream.close();
  }, 40_000);

  it("closes connections beyond the cap at once, and still serves those it holds", async () => {
    const flood = await floodPast(port, MAX_CONNECTIONS, "/");
    // Before, it took every connection it was offered.
    expect(flood.beyondCap).toBe("");
    expect(flood.held).toMatch(/^HTTP\/1\.1 200 /);
    expect(flood.after).toMatch(/^HTTP\/1\.1 200 /);
  });
});

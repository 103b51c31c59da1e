import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../testkit/run-cli.js";

/** What a web server that is not phasegate answers on every path. */
const PAGE = "<html><body>Welcome to nginx</body></html>";

describe("phasegate run --api against a server that is not phasegate", () => {
  let server: Server;
  let api: string;
  let dir: string;
  let tokenFile: string;
  beforeAll(async () => {
    server = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "text/html" });
      response.end(PAGE);
    }).listen(0, "127.0.0.1");
    await once(server, "listening");
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = await mkdtemp(path.join(os.tmpdir(), "phasegate-run-api-"));
    tokenFile = path.join(dir, "token");
    await writeFile(tokenFile, "pgt_token\n");
  });
  afterAll(async () => {
    server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    [["start", "--service", "shop", "--version", "v1"], "/api/v1/runs"],
    [["status", "--run", "shop-mik38h5c-2"], "/api/v1/runs/shop-mik38h5c-2"],
  ])("run %j says the answer is not a run and to check --api, exit 2", async (args, route) => {
    const run = await runCli(["run", ...args, "--api", api, "--token-file", tokenFile]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `phasegate run: ${api}${route} answered 200 with something other than a phasegate run (starts with ${JSON.stringify(PAGE)}): check that --api is the bot's URL\n`,
    );
  });
});

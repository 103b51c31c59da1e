import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { request } from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningSandbox, startSandbox } from "../../src/sandbox/sandbox.js";
import { logger } from "../../src/telemetry/pino-logger.js";
import { type Browser, launchBrowser } from "../../testkit/browser.js";
import { sourcePageModules } from "../../testkit/page-modules.js";
import { redisUrl } from "../../testkit/redis.js";
import { repoRoot, runCli } from "../../testkit/run-cli.js";
import { type SandboxProcess, startSandboxProcess } from "../../testkit/sandbox-process.js";

const services = path.join(repoRoot, "examples", "services.example.yaml");
const ALICE = "U0AAAAAAA";
const CHANNEL = "C0123456789";
const started: ChildProcess[] = [];

afterAll(() => {
  for (const child of started) if (child.exitCode === null) child.kill("SIGKILL");
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTP request with exactly these headers (fetch would not let a test set Host or Sec-Fetch-Site); `path` is sent
 * as written (a URL would resolve `/./` first).
 */
function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; path?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: options.method ?? "GET",
        headers: options.headers,
        ...(options.path ? { path: options.path } : {}),
      },
      (incoming) => {
        let body = "";
        incoming.on("data", (chunk: Buffer) => (body += chunk.toString()));
        incoming.on("end", () =>
          resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body }),
        );
      },
    );
    outgoing.on("error", reject);
    outgoing.end(options.body);
  });
}

const helpCommand = JSON.stringify({ user: ALICE, channel: CHANNEL, text: "/migrate help" });
const json = { "content-type": "application/json" };

async function stop(sandbox: SandboxProcess): Promise<void> {
  const exited = once(sandbox.child, "exit");
  sandbox.child.kill("SIGINT");
  expect((await exited)[0]).toBe(0);
}

describe("the sandbox on loopback, no token", () => {
  let sandbox: SandboxProcess;
  let base: string;
  let origin: string;

  beforeAll(async () => {
    sandbox = await startSandboxProcess(["--socket-mode", "--services", services], started);
    base = sandbox.url;
    origin = base.replace(/\/$/, "");
  }, 60_000);
  afterAll(() => stop(sandbox));

  it("warns that a services file makes every run real", () => {
    expect(sandbox.output()).toContain(
      `WARNING: --services ${services} is used as it is: a run started in the page migrates the databases and runs the deploy and rollout commands`,
    );
  });

  it("refuses a cross-origin POST, a text/plain POST and a cross-site read of the session", async () => {
    const crossOrigin = await send(`${base}api/command`, {
      method: "POST",
      headers: { ...json, origin: "http://evil.example" },
      body: helpCommand,
    });
    expect(crossOrigin.status).toBe(403);
    expect(JSON.parse(crossOrigin.body).error).toContain("requests from http://evil.example are refused");

    // The blind cross-site form of the attack: no preflight for text/plain, a JSON body all the same.
    const plain = await send(`${base}api/command`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: helpCommand,
    });
    expect(plain.status).toBe(415);
    expect(JSON.parse(plain.body).error).toContain('application/json bodies only, not "text/plain"');

    const crossSite = await send(`${base}api/session`, { headers: { "sec-fetch-site": "cross-site" } });
    expect(crossSite.status).toBe(403);
    expect(crossSite.body).not.toContain(ALICE);

    // The page's own requests still work.
    const own = await send(`${base}api/command`, {
      method: "POST",
      headers: { ...json, origin, "sec-fetch-site": "same-origin" },
      body: helpCommand,
    });
    expect({ status: own.status, body: JSON.parse(own.body) }).toEqual({
      status: 200,
      body: { acked: true, error: null },
    });
  });

  it("refuses a Host that is not its own (DNS rebinding), for the page and the API", async () => {
    const port = new URL(base).port;
    for (const target of [`${base}api/session`, base]) {
      const rebound = await send(target, { headers: { host: `attacker.example:${port}` } });
      expect(rebound.status).toBe(403);
      expect(rebound.body).toMatch(/does not answer to the host \\?"attacker\.example/);
    }
    expect((await send(`${base}api/session`, { headers: { host: `localhost:${port}` } })).status).toBe(200);
  });
});

describe("the sandbox on another address", () => {
  it("refuses a non-loopback --host without a token, and a short token, before listening", async () => {
    const open = await runCli(["sandbox", "--port", "0", "--host", "0.0.0.0"]);
    expect(open.code).toBe(2);
    expect(open.stderr).toContain("--host 0.0.0.0 is not a loopback address");
    expect(open.stderr).toContain("Pass --access-token generate");
    const short = await runCli(["sandbox", "--port", "0", "--host", "0.0.0.0", "--access-token", "letmein"]);
    expect(short.code).toBe(2);
    expect(short.stderr).toContain("the access token is 7 characters long");
  });
});

describe("the sandbox with an access token (generated, printed once)", () => {
  let sandbox: SandboxProcess;
  let base: string;
  let token: string;

  beforeAll(async () => {
    sandbox = await startSandboxProcess(["--access-token", "generate", "--services", services], started);
    const printed = new URL(sandbox.url);
    token = printed.searchParams.get("token") ?? "";
    base = `${printed.origin}/`;
  }, 60_000);
  afterAll(() => stop(sandbox));

  it("prints the token once, in the address to open", () => {
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(sandbox.output().split(token)).toHaveLength(2);
  });

  it("refuses every page and API call without it, or with a wrong one", async () => {
    for (const target of [base, `${base}style.css`, `${base}api/session`, `${base}?token=${token}x`]) {
      const refused = await send(target);
      expect(refused.status).toBe(401);
      expect(refused.body).toContain("needs its access token");
    }
    const forged = await send(`${base}api/command`, {
      method: "POST",
      headers: {
        ...json,
        authorization: `Bearer ${token.slice(1)}x`,
        cookie: "phasegate_sandbox_token=guess",
      },
      body: helpCommand,
    });
    expect(forged.status).toBe(401);
  });

  it("a first visit with ?token= sets the cookie; then the page and the API answer", async () => {
    const welcome = await send(`${base}?token=${token}`);
    expect(welcome.status).toBe(303);
    expect(welcome.headers.location).toBe("/");
    const cookie = String(welcome.headers["set-cookie"]).split(";")[0] ?? "";
    expect(welcome.headers["set-cookie"]?.[0]).toContain("HttpOnly");

    expect((await send(base, { headers: { cookie } })).status).toBe(200);
    const session = await send(`${base}api/session`, { headers: { cookie } });
    expect(JSON.parse(session.body).people.map((p: { id: string }) => p.id)).toContain(ALICE);
    const command = await send(`${base}api/command`, {
      method: "POST",
      headers: { ...json, authorization: `Bearer ${token}` },
      body: helpCommand,
    });
    expect(JSON.parse(command.body)).toEqual({ acked: true, error: null });

    // The welcome stays on the sandbox: a path that reads as another site's address once resolved is not followed.
    const elsewhere = await send(base, { path: `/.//evil.example/?token=${token}` });
    expect({ status: elsewhere.status, location: elsewhere.headers.location }).toEqual({
      status: 303,
      location: "/evil.example/",
    });

    // The token does not open the door to other origins.
    const crossOrigin = await send(`${base}api/command`, {
      method: "POST",
      headers: { ...json, cookie, origin: "http://evil.example" },
      body: helpCommand,
    });
    expect(crossOrigin.status).toBe(403);
  });
});

describe("the sandbox page in Chromium, with a token", () => {
  let sandbox: RunningSandbox;
  let browser: Browser;
  const token = "a-token-of-the-test-0123456789";

  beforeAll(async () => {
    sandbox = await startSandbox({
      host: "127.0.0.1",
      accessToken: token,
      port: 0,
      socketMode: true,
      servicesFile: services,
      redisUrl,
      databaseUrl: "postgres://unused",
      replicas: 1,
      pauseMs: 5,
      slotPauseMs: 300,
      logger,
      pageModules: sourcePageModules,
    });
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
  });

  it("opened from the printed address: the token leaves the address bar, the stream and commands work", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${sandbox.url}?token=${token}`);
    await page.waitForSelector("body[data-ready=true]");
    expect(page.url()).toBe(sandbox.url);
    await page.fill("#composer-input", "/migrate help");
    await page.press("#composer-input", "Enter");
    await page.locator(".message", { hasText: "/migrate start" }).first().waitFor();

    const stranger = await browser.context.browser()?.newContext();
    const other = await (stranger ?? browser.context).newPage();
    const refused = await other.goto(sandbox.url);
    expect(refused?.status()).toBe(401);
  }, 60_000);
});

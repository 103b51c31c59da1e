import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpRolloutSchema } from "../../src/config/services-schema.js";
import { HttpRolloutWatcher } from "../../src/hooks/http-watcher.js";

/**
 * Version endpoints on loopback: /a and /b answer what `versions` holds, /text a plain body, /broken HTTP 500, /moved
 * redirects to /a, /slow answers after 3 s, /endless streams until the client goes.
 */
const versions: Record<string, string> = { a: "v1", b: "v1" };
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const name = (request.url ?? "/").slice(1);
    if (name === "moved") {
      response.statusCode = 302;
      response.setHeader("location", "/a");
      response.end();
    } else if (name === "slow") setTimeout(() => response.end("{}"), 3000).unref();
    else if (name === "broken") {
      response.statusCode = 500;
      response.end("oops");
    } else if (name === "text") response.end(`${versions.a}\n`);
    else if (name === "html") response.end("<html>");
    else if (name === "endless") {
      const chunk = "v".repeat(64 * 1024);
      const more = () => {
        while (!response.destroyed && response.write(chunk));
        if (!response.destroyed) response.once("drain", more);
      };
      more();
    } else response.end(JSON.stringify({ build: { version: versions[name] } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

function watcher(urls: string[], versionField = "build.version") {
  return new HttpRolloutWatcher(httpRolloutSchema.parse({ kind: "http", urls, versionField }));
}

const request = { runId: "shop-1", service: "shop", version: "v2" };

describe("HttpRolloutWatcher", () => {
  it("is done only when every instance reports the release", async () => {
    const both = watcher([`${base}/a`, `${base}/b`]);
    versions.a = "v2";
    versions.b = "v1";
    expect(await both.check(request)).toEqual({
      done: false,
      failed: false,
      message: `1 of 2 report v2; ${base}/b runs v1`,
    });
    versions.b = "v2";
    expect(await both.check(request)).toEqual({ done: true, failed: false, message: "2 of 2 report v2" });
  });

  it("reads a plain-text body with versionField: body", async () => {
    versions.a = "v2";
    expect((await watcher([`${base}/text`], "body").check(request)).done).toBe(true);
  });

  it("treats unreachable, failing and unreadable instances as not yet, saying why", async () => {
    const broken = await watcher([`${base}/broken`]).check(request);
    expect(broken).toMatchObject({ done: false, failed: false });
    expect(broken.message).toContain("answered HTTP 500");
    const html = await watcher([`${base}/html`]).check(request);
    expect(html.message).toContain("set versionField: body for a plain-text answer");
    const missing = await watcher([`${base}/a`], "release.tag").check(request);
    expect(missing.message).toContain('has no string or number at "release.tag"');
    const closed = await watcher(["http://127.0.0.1:1/version"]).check(request);
    expect(closed).toMatchObject({ done: false, failed: false });
  });

  it("stops reading an endpoint that answers without end, saying so", async () => {
    const endless = await watcher([`${base}/endless`], "body").check(request);
    expect(endless).toMatchObject({ done: false, failed: false });
    expect(endless.message).toContain("answered more than 1 MiB, not a version");
  });

  it("follows a redirect to the instance's version", async () => {
    versions.a = "v2";
    expect(await watcher([`${base}/moved`]).check(request)).toEqual({
      done: true,
      failed: false,
      message: "1 of 1 report v2",
    });
  });

  it("gives up on an instance after timeoutSeconds, saying so, and stops when the step is cancelled", async () => {
    const slow = new HttpRolloutWatcher(
      httpRolloutSchema.parse({ kind: "http", urls: [`${base}/slow`], timeoutSeconds: 1 }),
    );
    const started = Date.now();
    const timedOut = await slow.check(request);
    expect(Date.now() - started).toBeLessThan(2500);
    expect(timedOut.message).toContain("aborted due to timeout");
    const cancel = new AbortController();
    setTimeout(() => cancel.abort(new Error("run shop-1 was cancelled")), 100);
    expect((await slow.check(request, cancel.signal)).message).toContain("run shop-1 was cancelled");
  });
});

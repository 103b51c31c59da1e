import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PIPELINE_ROLLBACK } from "../../src/app/external-deploy.js";
import { RedisPipelineStore } from "../../src/store/redis-pipeline-store.js";
import { type KubeSim, startKubeSim } from "../../testkit/kube-sim/index.js";
import { type PipelineBot, startPipelineBot } from "../../testkit/pipeline-bot.js";
import { connectRedis } from "../../testkit/redis.js";
import { postWithoutListening } from "../../testkit/unread-body.js";
import { image, imageTemplate } from "../kubernetes/setup.js";
import { runControllers } from "../kubernetes/workloads-slack.js";

let sim: KubeSim;
let p: PipelineBot;
let stopControllers: () => void;
const redis = connectRedis();

/** Pipeline mode watching the Deployment `web` of the namespace named after the service, on the simulator. */
function watched(namespace: string) {
  const target = { kind: "kubernetes", namespace, image: imageTemplate, api: sim.api(), container: "app" };
  return {
    deployer: {
      kind: "external",
      timeoutSeconds: 120,
      watch: {
        namespace,
        api: sim.api(),
        workload: { name: "web" },
        version: { from: "image", container: "app" },
      },
    },
    rollout: { ...target, deployments: ["web"], pollIntervalSeconds: 1, maxPollIntervalSeconds: 1 },
  };
}

beforeAll(async () => {
  sim = await startKubeSim();
  for (const ns of ["pipe", "pipebad"])
    sim.deployments.add({ namespace: ns, name: "web", image: image("v1") });
  stopControllers = runControllers([() => sim.deployments.step("pipe", "web")]);
  p = await startPipelineBot("pipeapi", {
    pipe: { keys: watched("pipe"), tokens: ["ci-pipe"] },
    pipebad: { keys: watched("pipebad"), tokens: ["ci-bad"] },
    reported: { keys: { deployer: { kind: "external" } }, tokens: ["ci-reported"] },
    plain: { tokens: ["ci-plain"] },
  });
}, 120_000);

afterAll(async () => {
  stopControllers?.();
  await p?.close();
  await sim?.close();
  redis.disconnect();
});

interface Sent {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

async function api(method: string, path: string, init: { token?: string; body?: string; key?: string } = {}) {
  const response = await fetch(`${p.api}${path}`, {
    method,
    headers: {
      ...(init.token !== undefined ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.key ? { "idempotency-key": init.key } : {}),
      "content-type": "application/json",
    },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

const start = (token: string, body: object, key?: string): Promise<Sent> =>
  api("POST", "/api/v1/runs", { token: p.token(token), body: JSON.stringify(body), key });
const read = async (token: string, id: string) =>
  (await api("GET", `/api/v1/runs/${id}`, { token: p.token(token) })).body;

async function until(token: string, id: string, holds: (run: Record<string, unknown>) => boolean) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const run = await read(token, id);
    if (holds(run)) return run;
    if (Date.now() > deadline) throw new Error(`${id} stayed ${JSON.stringify(run)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

type Step = { title: string; status: string; message: string | null };
const steps = (run: Record<string, unknown>) => run.steps as Step[];
const runsOf = async (service: string) => (await redis.zrange(`${p.prefix}runs:${service}`, 0, -1)).length;

describe("the pipeline API on a real bot process", () => {
  it("401 without a token or with one no service lists, 403 with another service's: audited, logged, nothing started", async () => {
    const body = JSON.stringify({ service: "plain", version: "v2" });
    const none = await api("POST", "/api/v1/runs", { body });
    expect(none.status).toBe(401);
    expect(none.body.message).toContain("Authorization: Bearer <token>");
    expect((await api("POST", "/api/v1/runs", { token: "not-a-listed-token", body })).status).toBe(401);
    const other = await start("ci-pipe", { service: "plain", version: "v2" });
    expect(other.status).toBe(403);
    expect(other.body.message).toBe("the token ci-pipe may not act on plain; it is listed for pipe");
    expect(await runsOf("plain")).toBe(0);
    const trail = await new RedisPipelineStore(redis, p.prefix).auditTrail(10);
    expect(trail.slice(0, 3).map((e) => [e.status, e.token, e.service, e.detail])).toEqual([
      [403, "ci-pipe", "plain", "token ci-pipe is not one of plain's"],
      [401, null, null, "a token no service lists"],
      [401, null, null, "no bearer token"],
    ]);
    // The bot's log line reaches its stdout on its own time.
    await expect
      .poll(() => p.bot.output(), { timeout: 10_000 })
      .toContain("token ci-pipe is not one of plain's");
  });

  it("bad JSON, unknown fields and bodies over 1 MiB are refused with what to send; nothing started", async () => {
    const token = p.token("ci-plain");
    const bad = await api("POST", "/api/v1/runs", { token, body: "{service: plain" });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('the body must be JSON, e.g. {"service": "shop", "version": "v42"}');
    const extra = await start("ci-plain", { service: "plain", version: "v2", force: true });
    expect(extra.status).toBe(400);
    expect(extra.body.message).toContain('body: Unrecognized key: "force"');
    const wrongVersion = await start("ci-plain", { service: "plain", version: "../v2" });
    expect(wrongVersion.body.message).toContain("version: a version is a release tag");
    const big = await api("POST", "/api/v1/runs", {
      token,
      body: JSON.stringify({ pad: "x".repeat(1024 * 1024) }),
    });
    expect(big.status).toBe(413);
    const mismatch = await start("ci-plain", { service: "plain", version: "v2", deploy: "external" });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.message).toContain(
      "set deployer.kind external in the services file for pipeline mode",
    );
    expect(await runsOf("plain")).toBe(0);
  });

  it("a body sent without a token is not read after the 401: the connection closes", async () => {
    const refused = await postWithoutListening(
      p.bot.port,
      "/api/v1/runs",
      { "content-type": "application/json" },
      100 * 1024 * 1024,
    );
    // Answered before the body: the close then meets the bytes still coming, and the client may see a reset first.
    expect([401, "reset"]).toContain(refused.status);
    if (refused.status === 401) expect(refused.answer).toContain("send `Authorization: Bearer <token>`");
    // Before, the bot read all 100 MB to keep the connection open.
    expect(refused.sentBytes).toBeLessThan(50 * 1024 * 1024);
  });

  it("a path with broken percent-encoding is a 400 that says so, a route that does not exist a 404 naming it", async () => {
    const token = p.token("ci-plain");
    const broken = await api("GET", "/api/v1/runs/%E0%A4%A", { token });
    // Before: 500 with no body, logged as an error.
    expect(broken).toMatchObject({
      status: 400,
      body: { error: "bad-path", message: "the path /api/v1/runs/%E0%A4%A is not valid percent-encoding" },
    });
    const wrongMethod = await api("GET", "/api/v1/runs", { token });
    expect(wrongMethod).toMatchObject({
      status: 404,
      body: { error: "not-found", message: "no route GET /api/v1/runs" },
    });
    expect((await fetch(`${p.api}/healthz`)).status).toBe(200);
  });

  it("a start is 201 with the run; a retry with the same Idempotency-Key gets the same run; the pipeline reports its deploy", {
    timeout: 150_000,
  }, async () => {
    const first = await start(
      "ci-reported",
      { service: "reported", version: "v2", deploy: "external" },
      "ci-run-17",
    );
    expect(first.status).toBe(201);
    const id = String(first.body.id);
    expect(first.body).toMatchObject({
      service: "reported",
      version: "v2",
      startedBy: "pipeline ci-reported",
    });
    const again = await start("ci-reported", { service: "reported", version: "v2" }, "ci-run-17");
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id, replayed: true });
    const reused = await start("ci-reported", { service: "reported", version: "v3" }, "ci-run-17");
    expect(reused.status).toBe(422);
    expect(await runsOf("reported")).toBe(1);

    const ready = await until("ci-reported", id, (r) => r.deploy === "ready");
    expect(steps(ready)[1]?.message).toBe(
      `phasegate does not deploy reported: the pipeline may deploy v2 now; the run goes on once the pipeline reports it (POST /api/v1/runs/${id}/deployed)`,
    );
    expect(steps(ready)[2]?.message ?? "").toMatch(/waiting for the pipeline to deploy v2 and report it|^$/);
    const wrong = await api("POST", `/api/v1/runs/${id}/deployed`, {
      token: p.token("ci-reported"),
      body: JSON.stringify({ version: "v9" }),
    });
    expect(wrong.status).toBe(409);
    const reported = await api("POST", `/api/v1/runs/${id}/deployed`, {
      token: p.token("ci-reported"),
      body: "",
    });
    expect(reported.status).toBe(200);
    expect(reported.body).toMatchObject({ deploy: "deployed", deployedBy: "pipeline ci-reported" });
    const gate = await until("ci-reported", id, (r) => r.status === "awaiting-approval");
    expect(gate.gate).toBe("contract");
    await p.migrate(`approve ${id}`);
    const done = await until("ci-reported", id, (r) => r.status === "succeeded" || r.status === "failed");
    expect(done.status).toBe("succeeded");
    const card = p.fake.history("C0SHOP").find((m) => JSON.stringify(m.blocks ?? []).includes(id));
    expect(JSON.stringify(card?.blocks)).toContain("Started by the pipeline ci-reported");
  });

  it("pipeline mode on the simulator: expand, wait until the watched Deployment runs the release, gate, contract", {
    timeout: 150_000,
  }, async () => {
    const { body } = await start("ci-pipe", { service: "pipe", version: "v2" });
    const id = String(body.id);
    const waiting = await until("ci-pipe", id, (r) => r.deploy === "ready" && steps(r)[2]?.message !== null);
    expect(steps(waiting)[0]?.status).toBe("succeeded");
    expect(steps(waiting)[2]?.message).toBe(
      `waiting for the pipeline to deploy v2: deployment/web in pipe runs v1 (the image ${image("v1")})`,
    );
    sim.deployments.setImage("pipe", "web", "app", image("v2"));
    const gate = await until("ci-pipe", id, (r) => r.status === "awaiting-approval" || r.status === "failed");
    expect(gate.deploy).toBe("deployed");
    expect(steps(gate)[2]?.message).toBe(`web rolled out: every pod runs ${image("v2")}`);
    await p.migrate(`approve ${id}`);
    const done = await until("ci-pipe", id, (r) => r.status === "succeeded" || r.status === "failed");
    expect(done.status).toBe("succeeded");
  });

  it("a failed rollout of the watched Deployment fails the run before the contract, saying the pipeline rolls back", {
    timeout: 150_000,
  }, async () => {
    const { body } = await start("ci-bad", { service: "pipebad", version: "v2" });
    const id = String(body.id);
    await until("ci-bad", id, (r) => r.deploy === "ready");
    sim.deployments.setImage("pipebad", "web", "app", image("v2"));
    sim.deployments.step("pipebad", "web");
    sim.deployments.exceedProgressDeadline("pipebad", "web");
    const failed = await until("ci-bad", id, (r) => r.status === "failed");
    expect(steps(failed)[2]?.message).toBe(
      `rollout failed: deployment "web" exceeded its progress deadline; deployment/web in pipebad was deployed by the pipeline: ${PIPELINE_ROLLBACK}`,
    );
    expect(
      steps(failed)
        .slice(3)
        .map((s) => s.status),
    ).toEqual(["skipped", "skipped"]);
  });

  it("another service's run is answered byte for byte as a run that does not exist, on GET and on POST …/deployed; the audit and the log say why", {
    timeout: 60_000,
  }, async () => {
    const started = await start("ci-plain", { service: "plain", version: "v3" });
    expect(started.status).toBe(201);
    const id = String(started.body.id);
    // The same shape and length, one digit off: a run id a prober would guess.
    const madeUp = id.replace(/\d$/, (d) => String((Number(d) + 5) % 10));
    expect((await api("GET", `/api/v1/runs/${madeUp}`, { token: p.token("ci-plain") })).status).toBe(404);
    // The owner sees the run, and its deploy report is refused for what the run is: it exists.
    expect((await api("GET", `/api/v1/runs/${id}`, { token: p.token("ci-plain") })).status).toBe(200);
    const own = await api("POST", `/api/v1/runs/${id}/deployed`, { token: p.token("ci-plain"), body: "" });
    expect(own.body.error).toBe("not-pipeline-mode");

    /** Status, headers but the date, and body as sent, the asked id written `<id>`. */
    async function raw(method: string, path: string, asked: string, body?: string) {
      const response = await fetch(`${p.api}${path.replace("<id>", asked)}`, {
        method,
        headers: { authorization: `Bearer ${p.token("ci-pipe")}`, "content-type": "application/json" },
        ...(body !== undefined ? { body } : {}),
      });
      const headers: [string, string][] = [];
      response.headers.forEach((value, name) => {
        if (name !== "date") headers.push([name, value]);
      });
      return { status: response.status, headers, text: (await response.text()).replaceAll(asked, "<id>") };
    }
    const calls: [string, string, string?][] = [
      ["GET", "/api/v1/runs/<id>"],
      ["POST", "/api/v1/runs/<id>/deployed", ""],
      ["POST", "/api/v1/runs/<id>/deployed", JSON.stringify({ version: "v3" })],
    ];
    const hidden = [];
    const missing = [];
    for (const [method, path, body] of calls) {
      hidden.push({ method, path, ...(await raw(method, path, id, body)) });
      missing.push({ method, path, ...(await raw(method, path, madeUp, body)) });
    }
    expect(hidden).toEqual(missing);
    for (const answer of hidden) {
      expect(answer.status).toBe(404);
      expect(JSON.parse(answer.text)).toEqual({ error: "not-found", message: "no run <id>" });
    }

    const trail = await new RedisPipelineStore(redis, p.prefix).auditTrail(6);
    const hiddenDetail = `token ci-pipe is not one of plain's: its run ${id} answered as no run`;
    expect(trail.map((e) => [e.status, e.token, e.service, e.detail])).toEqual(
      [1, 2, 3].flatMap(() => [
        [404, "ci-pipe", null, `no run ${madeUp}`],
        [404, "ci-pipe", "plain", hiddenDetail],
      ]),
    );
    await expect.poll(() => p.bot.output(), { timeout: 10_000 }).toContain(hiddenDetail);
  });
});

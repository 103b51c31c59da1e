import { once } from "node:events";
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { deployRelease } from "../../src/app/steps/deploy.js";
import { commandOutcome, describeFailure, lastLine } from "../../src/domain/run/command-outcome.js";
import { MAX_ANSWER_BYTES } from "../../src/kubernetes/client.js";
import { dribbleAnswer, pourAnswer } from "../../testkit/endless-answer.js";
import { hangUpServer } from "../../testkit/hang-up.js";
import { type KubeSim, startKubeSim } from "../../testkit/kube-sim/index.js";
import { runJob } from "./scenario.js";
import { adapters, image, release, seedShop } from "./setup.js";

/**
 * The Kubernetes API as an unlucky operator meets it: a real loopback server in front of the simulator (a proxy, a
 * wrong server) whose answers each test sets, read through the adapters (what the deploy and migrate steps say).
 */
let sim: KubeSim;
/** Sets how `front` answers; `forward` passes the request on to the simulator. */
let answer: (request: IncomingMessage, response: ServerResponse) => void;
const front = createServer((request, response) => answer(request, response));
let url: string;
/** Another host, where a redirect would lead: it records whatever reaches it. */
const elsewhere: string[] = [];
const other = createServer((request, response) => {
  let body = "";
  request.on("data", (chunk) => {
    body += chunk;
  });
  request.on("end", () => {
    elsewhere.push(`${request.method} ${request.url} ${request.headers.authorization ?? "no token"} ${body}`);
    response.writeHead(200, { "content-type": "application/json" });
    response.end("{}");
  });
});

function forward(request: IncomingMessage, response: ServerResponse): void {
  const upstream = httpRequest(
    `${sim.url}${request.url}`,
    { method: request.method, headers: request.headers },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    },
  );
  request.pipe(upstream);
}

beforeEach(async () => {
  sim = await startKubeSim();
  seedShop(sim);
  answer = forward;
  elsewhere.length = 0;
  front.listen(0, "127.0.0.1");
  other.listen(0, "127.0.0.1");
  await Promise.all([once(front, "listening"), once(other, "listening")]);
  url = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
});
afterEach(async () => {
  for (const server of [front, other]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await sim.close();
});

/** The deploy step of v42 on the Deployment "web", through `front`. */
async function deployStep(api: object = {}) {
  const { deployer } = adapters(sim, {
    deployments: ["web"],
    api: { ...sim.api(), url, attempts: 2, ...api },
  });
  return deployRelease(deployer, release("v42"));
}

const GET_WEB = "GET /apis/apps/v1/namespaces/shop/deployments/web";

const jobPod = () => sim.pods("shop").find((p) => p.metadata.labels["job-name"])?.metadata.name;

/** The tailLines and limitBytes of each read of the Job's log. */
const logAsks = () =>
  sim.requests
    .filter((r) => r.resource === "pods/log")
    .map((r) => {
      const query = new URLSearchParams(r.query);
      return `tailLines=${query.get("tailLines")} limitBytes=${query.get("limitBytes")}`;
    });

describe("the Kubernetes API answering badly", () => {
  it("an answer without end (hundreds of MB): cut after 64 MiB, not buffered, not asked again, and said so", async () => {
    const poured = { sent: 0 };
    let requests = 0;
    answer = (_, response) => {
      requests += 1;
      pourAnswer(response, '{"metadata":{"name":"web"},"padding":"', 300 * 1024 * 1024, poured);
    };
    const deploy = await deployStep({ requestTimeoutSeconds: 60 });
    expect(deploy).toEqual({
      kind: "failed",
      message:
        `deploy of v42 failed: the Kubernetes API at ${url} (${url}) answered ${GET_WEB} with more than 64 MiB, ` +
        `more than any answer phasegate asks for: is ${url} the API server? Check api.url`,
    });
    expect(requests).toBe(1);
    // Cut soon after the bound (what the sockets buffered aside), not read to the end.
    expect(poured.sent).toBeLessThan(MAX_ANSWER_BYTES + 16 * 1024 * 1024);
  }, 60_000);

  it("a declared length over the bound is refused unread", async () => {
    answer = (_, response) => {
      response.writeHead(200, { "content-type": "application/json", "content-length": 300 * 1024 * 1024 });
      response.write("{");
    };
    const deploy = await deployStep();
    expect(deploy.message).toBe(
      `deploy of v42 failed: the Kubernetes API at ${url} (${url}) answered ${GET_WEB} with more than 64 MiB, ` +
        `more than any answer phasegate asks for: is ${url} the API server? Check api.url`,
    );
  });

  it("a redirect of the PATCH to another host is not followed: the step says where it led, and that host gets nothing", async () => {
    const target = `http://localhost:${(other.address() as AddressInfo).port}/login`;
    answer = (request, response) => {
      if (request.method !== "PATCH") return forward(request, response);
      request.resume();
      response.writeHead(307, { location: target });
      response.end();
    };
    const deploy = await deployStep();
    expect(deploy).toEqual({
      kind: "failed",
      message:
        `deploy of v42 failed: the Kubernetes API at ${url} (${url}) redirected PATCH /apis/apps/v1/namespaces/shop/deployments/web ` +
        `to ${target} (307): phasegate follows no redirect; set api.url to the API server's own address`,
    });
    expect(elsewhere).toEqual([]);
    expect(sim.deployments.get("shop", "web").spec.template.spec.containers[0]?.image).toBe(image("v41"));
  });

  it("a migrate Job printing one enormous line: the output read is bounded, and says where the rest is", async () => {
    const { executor } = adapters(sim);
    const argv = ["sh", "-c", "echo Applying shop.0002_backfill; head -c 5000000 /dev/zero | tr '\\0' x"];
    const result = await runJob(sim, executor, {
      key: "run-9:expand:1",
      argv,
      timeoutMs: 60_000,
      version: "v42",
    });
    const note =
      "(phasegate read the first 2 MiB of the log's last line, longer than that: kubectl logs -n shop " +
      `${jobPod()} -c command shows the rest)`;
    expect(result.exitCode).toBe(0);
    expect(result.stdout.startsWith("xxx")).toBe(true);
    expect(Buffer.byteLength(result.stdout)).toBeLessThan(2 * 1024 * 1024 + 1024);
    // What the step shows: the end of its output, whose last line says the log was cut.
    const outcome = commandOutcome(argv, result);
    expect(lastLine(outcome)).toBe(note);
    expect(logAsks()).toEqual(["tailLines=200 limitBytes=2097152", "tailLines=1 limitBytes=2097152"]);
  });

  it("a failed migrate whose last 200 lines are over 2 MiB: the step shows the error at the log's end, and what was left out", async () => {
    const { executor } = adapters(sim);
    // 300 lines of 12,000 bytes, then the traceback: the last 200 lines are 2.4 MB.
    const script =
      "head -c 3600000 /dev/zero | tr '\\0' x | fold -w 12000; echo; echo 'Traceback (most recent call last):'; " +
      "echo '  File \"manage.py\", line 22, in <module>'; " +
      "echo 'django.db.utils.OperationalError: canceling statement due to lock timeout'; exit 1";
    const argv = ["sh", "-c", script];
    const result = await runJob(sim, executor, {
      key: "run-9:expand:1",
      argv,
      timeoutMs: 60_000,
      version: "v42",
    });
    const outcome = commandOutcome(argv, result);
    expect(describeFailure(outcome)).toBe(
      "exited with 1: django.db.utils.OperationalError: canceling statement due to lock timeout",
    );
    expect(lastLine(outcome)).toBe(
      "(phasegate read the log's last 87 lines: its last 200 are more than 2 MiB; " +
        `kubectl logs -n shop ${jobPod()} -c command shows them all)`,
    );
    expect(Buffer.byteLength(result.stdout)).toBeLessThan(2 * 1024 * 1024);
    expect(logAsks()).toEqual(["tailLines=200 limitBytes=2097152", "tailLines=87 limitBytes=2097152"]);
  });

  it("an answer broken off half-way: asked again, then the step says the API closed the connection before its answer was complete", async () => {
    let requests = 0;
    answer = (_, response) => {
      requests += 1;
      response.writeHead(200, { "content-type": "application/json" });
      response.write('{"metadata":{"name":"web"', () => response.socket?.destroy());
    };
    const deploy = await deployStep();
    expect(deploy.message).toBe(
      `deploy of v42 failed: the Kubernetes API at ${url} (${url}) failed to get deployments 2 times ` +
        `(last: it closed the connection before its answer to ${GET_WEB} was complete, after 25 bytes); ` +
        "check the API server's health and whatever stands between it and phasegate (a proxy or load balancer " +
        "that cuts connections short), then retry",
    );
    expect(requests).toBe(2);
  });

  it("a connection closed or reset before any answer: asked again, then said so, with the health of what stands between to check", async () => {
    const hangUp = await hangUpServer();
    try {
      const says = (how: string) =>
        `deploy of v42 failed: the Kubernetes API at ${hangUp.url} (${hangUp.url}) failed to get deployments 2 times ` +
        `(last: the connection was ${how} before any answer to ${GET_WEB}); ` +
        "check the API server's health and whatever stands between it and phasegate (a proxy or load balancer " +
        "that cuts connections short), then retry";
      expect((await deployStep({ url: hangUp.url })).message).toBe(says("closed"));
      hangUp.how = "reset";
      expect((await deployStep({ url: hangUp.url })).message).toBe(says("reset"));
      expect(hangUp.connections).toBe(4);
    } finally {
      await hangUp.close();
    }
  });

  it("an answer whose body never finishes: the step names the request, that the answer began, and the time limit", async () => {
    answer = (_, response) => dribbleAnswer(response, 50);
    const deploy = await deployStep({ requestTimeoutSeconds: 0.3 });
    expect(deploy.message).toBe(
      `deploy of v42 failed: the Kubernetes API at ${url} (${url}) failed to get deployments 2 times ` +
        `(last: its answer to ${GET_WEB} did not finish within 300 ms); check that the API server is reachable, then retry`,
    );
  });
});

import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type KubeSim, startKubeSim } from "../../testkit/kube-sim/index.js";
import { type PipelineBot, startPipelineBot } from "../../testkit/pipeline-bot.js";
import { connectRedis } from "../../testkit/redis.js";
import { repoRoot } from "../../testkit/run-cli.js";
import { image, imageTemplate } from "../kubernetes/setup.js";
import { runControllers } from "../kubernetes/workloads-slack.js";

/** The shell lines of each job: GitHub's `steps[].run`, GitLab's `script`. */
async function jobLines(file: string): Promise<Record<string, string[]>> {
  const doc = parse(await readFile(path.join(repoRoot, "examples", "ci", file), "utf8")) as Record<
    string,
    unknown
  >;
  const jobs = (doc.jobs ?? doc) as Record<string, { steps?: { run?: string }[]; script?: string[] }>;
  return Object.fromEntries(
    Object.entries(jobs)
      .filter(([, job]) => job?.steps || job?.script)
      .map(([name, job]) => [
        name,
        job.steps ? job.steps.flatMap((s) => (s.run ? [s.run] : [])) : (job.script ?? []),
      ]),
  );
}

/** The job's phasegate commands (the lines that run bin/phasegate.js) and its deploy (kubectl), in order. */
function phasegateCommands(lines: string[]): string[] {
  return lines.filter((line) => line.includes("node bin/phasegate.js") || line.startsWith("kubectl "));
}

let sim: KubeSim;
let p: PipelineBot;
let dir: string;
let stopControllers: () => void;
const redis = connectRedis();
const PIPE_SERVICES = ["gh-pipe", "gl-pipe"];

beforeAll(async () => {
  sim = await startKubeSim();
  for (const ns of PIPE_SERVICES) sim.deployments.add({ namespace: ns, name: "web", image: image("v1") });
  stopControllers = runControllers(PIPE_SERVICES.map((ns) => () => sim.deployments.step(ns, "web")));
  const pipelineMode = (namespace: string) => ({
    deployer: { kind: "external", watch: { namespace, api: sim.api(), workload: { name: "web" } } },
    rollout: {
      kind: "kubernetes",
      namespace,
      image: imageTemplate,
      api: sim.api(),
      deployments: ["web"],
      pollIntervalSeconds: 1,
      maxPollIntervalSeconds: 1,
    },
  });
  p = await startPipelineBot("ciexamples", {
    "gh-plain": { tokens: ["ci"] },
    "gl-plain": { tokens: ["ci"] },
    "gh-pipe": { keys: pipelineMode("gh-pipe"), tokens: ["ci"] },
    "gl-pipe": { keys: pipelineMode("gl-pipe"), tokens: ["ci"] },
  });
  dir = await mkdtemp(path.join(os.tmpdir(), "ci-examples-"));
}, 120_000);

afterAll(async () => {
  stopControllers?.();
  await p?.close();
  await sim?.close();
  redis.disconnect();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs one line as the CI runner would (sh), with phasegate from this checkout (its compiled bin/phasegate.js). */
function sh(
  line: string,
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      "sh",
      ["-c", line],
      { cwd: repoRoot, env: { ...process.env, LOG_LEVEL: "silent", PHASEGATE_POLL_MS: "300", ...env } },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

async function latestRun(service: string): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const [id] = await redis.zrange(`${p.prefix}runs:${service}`, -1, -1);
    if (id) return id;
    if (Date.now() > deadline) throw new Error(`no run of ${service}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Waits until the run is at its gate, then approves or rejects it in Slack (as an approver would). */
async function decide(service: string, decision: "approve" | "reject"): Promise<void> {
  const id = await latestRun(service);
  const deadline = Date.now() + 90_000;
  for (;;) {
    const run = await fetch(`${p.api}/api/v1/runs/${id}`, {
      headers: { authorization: `Bearer ${p.token("ci")}` },
    });
    const { status } = (await run.json()) as { status: string };
    if (status === "awaiting-approval") break;
    if (Date.now() > deadline || ["failed", "succeeded"].includes(status))
      throw new Error(`${id} is ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // A person takes seconds to decide; the job's CLI (polling every 300 ms) sees the gate open before it closes.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await p.migrate(decision === "approve" ? `approve ${id}` : `reject ${id} the new index is not built yet`);
}

/** Plays the job: every phasegate line for real; the deploy line (kubectl) as the simulator's own image change. */
async function play(file: string, job: string, service: string, decision: "approve" | "reject") {
  const lines = phasegateCommands((await jobLines(file))[job] ?? []);
  expect(lines.length, `${file} ${job}`).toBeGreaterThan(0);
  const env = {
    PHASEGATE_URL: p.api,
    SERVICE: service,
    VERSION: "v2",
    RUNNER_TEMP: dir,
    CI_PROJECT_DIR: dir,
    GITHUB_RUN_ID: `${service}-1`,
    GITHUB_RUN_ATTEMPT: "1",
    CI_PIPELINE_ID: `${service}-1`,
  };
  await sh(`printf %s "${p.token("ci")}" > "${dir}/phasegate.token"`, {});
  const results = [];
  for (const line of lines) {
    if (line.startsWith("kubectl ")) {
      sim.deployments.setImage(service, "web", "app", image("v2"));
      continue;
    }
    const waitsForGate = !line.includes("--until deploy-ready");
    const [result] = await Promise.all([sh(line, env), waitsForGate ? decide(service, decision) : undefined]);
    results.push(result);
  }
  return results;
}

describe("the CI examples drive a real bot", () => {
  it("GitHub Actions: the run succeeds once approved in Slack: exit 0, with a line per step change", {
    timeout: 180_000,
  }, async () => {
    const [run] = await play("github-actions.yml", "migrate-and-deploy", "gh-plain", "approve");
    expect(run?.code, run?.stderr).toBe(0);
    expect(run?.stderr).toContain('waiting for approval at gate "contract": approvers decide in Slack');
    expect(run?.stderr).toMatch(/\[2\/5\] .*: succeeded — deployed gh-plain v2/);
    expect(run?.stdout).toMatch(/^gh-plain-\S+ succeeded$/m);
  });

  it("GitLab CI: a rejected run fails the job: exit 1", { timeout: 180_000 }, async () => {
    const [run] = await play("gitlab-ci.yml", "migrate-and-deploy", "gl-plain", "reject");
    expect(run?.code, run?.stderr).toBe(1);
    expect(run?.stderr).toContain("rejected");
  });

  it("GitHub Actions, pipeline mode: expand, the job deploys, approval, contract: both phasegate steps exit 0", {
    timeout: 180_000,
  }, async () => {
    const [ready, end] = await play("github-actions.yml", "pipeline-mode", "gh-pipe", "approve");
    expect(ready?.code, ready?.stderr).toBe(0);
    expect(ready?.stderr).toContain("deploy: ready — the pipeline may deploy v2 now");
    expect(end?.code, end?.stderr).toBe(0);
  });

  it("GitLab CI, pipeline mode: rejected at the gate after the deploy: exit 1", {
    timeout: 180_000,
  }, async () => {
    const [ready, end] = await play("gitlab-ci.yml", "pipeline-mode", "gl-pipe", "reject");
    expect(ready?.code, ready?.stderr).toBe(0);
    expect(end?.code, end?.stderr).toBe(1);
  });

  it("a token the bot does not know is refused with a clear message (exit 2), nothing started", async () => {
    const [line] = phasegateCommands((await jobLines("github-actions.yml"))["migrate-and-deploy"] ?? []);
    await mkdir(path.join(dir, "wrong"), { recursive: true });
    await writeFile(path.join(dir, "wrong", "phasegate.token"), "wrong-token");
    const before = await redis.zcard(`${p.prefix}runs:gh-plain`);
    const run = await sh(line ?? "", {
      PHASEGATE_URL: p.api,
      SERVICE: "gh-plain",
      VERSION: "v9",
      RUNNER_TEMP: `${dir}/wrong`,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("phasegate refused the token (401)");
    expect(await redis.zcard(`${p.prefix}runs:gh-plain`)).toBe(before);
  });
});

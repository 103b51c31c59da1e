import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CommandRequest } from "../../src/ports/executor.js";
import { type KubeSim, startKubeSim } from "../../testkit/kube-sim/index.js";
import { createTestDatabase, type TestDatabase } from "../../testkit/postgres.js";
import { findDjangoPython } from "../../testkit/python.js";
import { agePods, runJob } from "./scenario.js";
import { adapters, image, namespace, shopDir } from "./setup.js";

let sim: KubeSim;
let scratch: string;
beforeEach(async () => {
  sim = await startKubeSim();
  scratch = await mkdtemp(path.join(tmpdir(), "job-executor-"));
});
afterEach(async () => {
  await sim.close();
  await rm(scratch, { recursive: true, force: true });
});

const command = (key: string, argv: string[], extra: Partial<CommandRequest> = {}): CommandRequest => ({
  key,
  argv,
  timeoutMs: 60_000,
  version: "v42",
  ...extra,
});

const posts = () => sim.requests.filter((r) => r.method === "POST");

describe("KubernetesJobExecutor", () => {
  it("answers running until the Job ends, then the log tail and exit code", async () => {
    const gate = path.join(scratch, "go");
    const { executor } = adapters(sim);
    const request = command("run-7:expand:1", [
      "sh",
      "-c",
      `echo started; while [ ! -e ${gate} ]; do sleep 0.02; done; echo applied`,
    ]);

    const first = await executor.execute(request);
    expect(first.state).toBe("running");
    expect(first.state === "running" && first.message).toMatch(
      /^Job phasegate-run-7-expand-1-[0-9a-f]{10} in namespace shop: /,
    );
    expect((await executor.execute(request)).state).toBe("running");

    await writeFile(gate, "");
    const result = await runJob(sim, executor, request);
    expect(result).toMatchObject({
      exitCode: 0,
      timedOut: false,
      signal: null,
      stdout: "started\napplied\n",
      stderr: "",
    });
    expect(posts()).toHaveLength(1);
  });

  it("creates one Job per key, however many times and however concurrently it is asked", async () => {
    const { executor } = adapters(sim);
    const other = adapters(sim).executor;
    const request = command("run-8:contract:1", ["sh", "-c", "sleep 0.2; echo once"]);

    const answers = await Promise.all([
      executor.execute(request),
      other.execute(request),
      executor.execute(request),
    ]);
    expect(answers.every((a) => a.state === "running" || a.state === "finished")).toBe(true);
    expect(sim.jobs.names(namespace)).toHaveLength(1);
    expect((await runJob(sim, other, request)).stdout).toBe("once\n");
    expect(sim.jobs.names(namespace)).toHaveLength(1);
  });

  it("builds the Job from the services file: release image, env, envFrom, service account, no retries", async () => {
    sim.setConfigMap(namespace, "shop-settings", { FROM_CONFIG_MAP: "yes" });
    sim.setSecret(namespace, "shop-db", { DB_PASSWORD: "s3cret" });
    const { executor } = adapters(sim, {
      job: {
        serviceAccountName: "shop-migrate",
        workingDir: scratch,
        env: { GREETING: "hello" },
        envFrom: [{ configMapRef: { name: "shop-settings" } }, { secretRef: { name: "shop-db" } }],
        resources: { limits: { memory: "256Mi" } },
        ttlSecondsAfterFinished: 600,
      },
    });
    const request = command(
      "run-9:expand:1",
      ["sh", "-c", 'echo "$GREETING $FROM_CONFIG_MAP $DB_PASSWORD $RUN_ID $(pwd)"'],
      {
        env: { RUN_ID: "run-9" },
        timeoutMs: 90_500,
      },
    );
    const result = await runJob(sim, executor, request);

    expect(result.stdout).toBe(`hello yes s3cret run-9 ${scratch}\n`);
    const job = sim.jobs.get(namespace, sim.jobs.names(namespace)[0] as string);
    expect(job.spec).toMatchObject({
      backoffLimit: 0,
      activeDeadlineSeconds: 91,
      ttlSecondsAfterFinished: 600,
    });
    expect(job.spec.template.spec).toMatchObject({
      restartPolicy: "Never",
      serviceAccountName: "shop-migrate",
    });
    expect(job.spec.template.spec.containers[0]).toMatchObject({
      image: image("v42"),
      command: request.argv,
      resources: { limits: { memory: "256Mi" } },
    });
  });

  it("starts from the app's Deployment with job.fromDeployment: its pod settings and container env, not its labels or sidecars", async () => {
    sim.setConfigMap(namespace, "shop-settings", { FROM_CONFIG_MAP: "cm" });
    sim.deployments.add({
      namespace,
      name: "web",
      image: image("v41"),
      sidecars: [{ name: "proxy", image: "envoy:1.30" }],
    });
    const template = sim.deployments.get(namespace, "web").spec.template.spec as Record<string, unknown>;
    Object.assign(template, {
      serviceAccountName: "shop-app",
      imagePullSecrets: [{ name: "registry" }],
      nodeSelector: { pool: "apps" },
      initContainers: [{ name: "wait-for-db", image: "busybox" }],
    });
    Object.assign(template.containers as object[], [
      {
        name: "app",
        image: image("v41"),
        args: ["gunicorn", "shop.wsgi"],
        ports: [{ containerPort: 8000 }],
        readinessProbe: { httpGet: { path: "/health", port: 8000 } },
        env: [
          { name: "FROM_DEPLOYMENT", value: "app" },
          { name: "OVERRIDDEN", value: "by the app" },
        ],
        envFrom: [{ configMapRef: { name: "shop-settings" } }],
        resources: { limits: { memory: "1Gi" } },
      },
    ]);
    const { executor } = adapters(sim, {
      job: { fromDeployment: { name: "web", container: "app" }, env: { OVERRIDDEN: "by phasegate" } },
    });
    const request = command("run-18:expand:1", [
      "sh",
      "-c",
      'echo "$FROM_DEPLOYMENT $FROM_CONFIG_MAP $OVERRIDDEN"',
    ]);
    const result = await runJob(sim, executor, request);

    expect(result.stdout).toBe("app cm by phasegate\n");
    const job = sim.jobs.get(namespace, sim.jobs.names(namespace)[0] as string);
    expect(job.spec.template.metadata?.labels).toEqual({ "app.kubernetes.io/managed-by": "phasegate" });
    expect(job.spec.template.spec).toEqual({
      serviceAccountName: "shop-app",
      imagePullSecrets: [{ name: "registry" }],
      nodeSelector: { pool: "apps" },
      restartPolicy: "Never",
      containers: [
        {
          name: "command",
          image: image("v42"),
          command: request.argv,
          env: [
            { name: "FROM_DEPLOYMENT", value: "app" },
            { name: "OVERRIDDEN", value: "by phasegate" },
          ],
          envFrom: [{ configMapRef: { name: "shop-settings" } }],
          resources: { limits: { memory: "1Gi" } },
        },
      ],
    });
    expect(sim.pods(namespace, "web").map((p) => p.metadata.name)).not.toContain(
      sim.pods(namespace).find((p) => p.metadata.labels["job-name"])?.metadata.name,
    );
  });

  it("returns a failed Job's log tail and the container's exit code", async () => {
    const { executor } = adapters(sim, { job: { logTailLines: 3 } });
    const request = command("run-10:expand:1", [
      "sh",
      "-c",
      "for i in 1 2 3 4 5 6; do echo line $i; done; echo 'django.db.utils.ProgrammingError: boom' >&2; exit 3",
    ]);
    const result = await runJob(sim, executor, request);

    expect(result).toMatchObject({
      exitCode: 3,
      timedOut: false,
      stdout: "line 5\nline 6\ndjango.db.utils.ProgrammingError: boom\n",
    });
    // The log's last line says why, not the Job's BackoffLimitExceeded.
    expect(result.stderr).toBe("");
  });

  it("reports a command that outlived its timeout as timed out", async () => {
    const { executor } = adapters(sim);
    const request = command("run-11:expand:1", ["sh", "-c", "echo waiting; sleep 30"], { timeoutMs: 1000 });
    const result = await runJob(sim, executor, request);

    expect(result.timedOut).toBe(true);
    expect(result.stderr).toMatch(
      /^Job phasegate-run-11-expand-1-\w+ failed: DeadlineExceeded: Job was active longer than specified deadline\n$/,
    );
    expect(result.stdout).toBe("waiting\n");
  });

  it("says why the pod cannot start", async () => {
    const { executor } = adapters(sim, { job: { envFrom: [{ secretRef: { name: "shop-db" } }] } });
    const request = command("run-12:expand:1", ["true"]);
    await executor.execute(request);
    const again = await executor.execute(request);

    expect(again.state === "running" && again.message).toMatch(
      /pod phasegate-run-12-expand-1-\w+-\w{5} is waiting \(CreateContainerConfigError: secret "shop-db" not found\)/,
    );
  });

  it("runs a script given inline with python -c verbatim: quotes, $, backticks, newlines, non-ASCII", async () => {
    const value = `it's "quoted" $HOME \`id\` \\n ünïcødé ✓`;
    // A JSON string literal is a Python string literal too.
    const statement = `parts.append(${JSON.stringify(value)})\n`;
    const source = [
      "import hashlib, sys",
      "parts = []",
      statement.repeat(100),
      'print(sys.argv[1:], len(parts), hashlib.sha256("".join(parts).encode()).hexdigest())',
    ].join("\n");
    expect(Buffer.byteLength(source)).toBeGreaterThan(5_000);
    const { executor } = adapters(sim);
    const request = command("run-15:introspect", [findDjangoPython(), "-c", source, "--settings", "a b"]);

    const result = await runJob(sim, executor, request);
    const digest = createHash("sha256").update(value.repeat(100)).digest("hex");
    expect(result.stdout).toBe(`['--settings', 'a b'] 100 ${digest}\n`);
  });

  it("refuses an argument longer than Linux accepts before creating any Job", async () => {
    const { executor } = adapters(sim);
    const request = command("run-16:introspect", ["python", "-c", `# ${"x".repeat(140_000)}`]);

    await expect(executor.execute(request)).rejects.toThrow(
      "the command's argument 2 is 140003 bytes, over Linux's 131072-byte limit per argument: " +
        "ship the script in the image (or mount it from a ConfigMap) and pass its path instead",
    );
    expect(posts()).toHaveLength(0);
  });

  it("gives up on a pod that cannot start within podStartTimeoutSeconds and deletes its Job", async () => {
    sim.jobs.missingImages.add(image("v404"));
    const { executor } = adapters(sim, { job: { podStartTimeoutSeconds: 120 } });
    const request = command("run-17:expand:1", ["true"], { version: "v404" });
    await executor.execute(request);
    agePods(sim, request.key, 100);
    const waiting = await executor.execute(request);
    expect(waiting.state === "running" && waiting.message).toMatch(/is waiting \(ImagePullBackOff: /);

    agePods(sim, request.key, 30);
    const given = await executor.execute(request);
    expect(given.state).toBe("finished");
    expect(given.state === "finished" && given.result).toMatchObject({
      exitCode: null,
      timedOut: true,
      stdout: "",
    });
    expect(given.state === "finished" && given.result.stderr).toMatch(
      /^Job phasegate-run-17-expand-1-\w+ in namespace shop could not start its pod within 120 s \(ImagePullBackOff: Back-off pulling image "registry.example.com\/shop:v404"\); phasegate deleted the Job so it cannot run later\n$/,
    );
    expect(sim.jobs.names(namespace)).toEqual([]);
    expect(sim.pods(namespace)).toEqual([]);
  });

  it("needs the release version for the image", async () => {
    const { executor } = adapters(sim);
    await expect(
      executor.execute(command("run-13:expand:1", ["true"], { version: undefined })),
    ).rejects.toThrow(
      'the image template "registry.example.com/shop:{version}" needs the release version, and none was given for service shop',
    );
  });

  describe("running Django's migrate as the Job", () => {
    let database: TestDatabase;
    beforeAll(() => {
      database = createTestDatabase("kubejob");
    });
    afterAll(() => database.drop());

    it("applies the migrations of examples/shop to its database", async () => {
      const { executor } = adapters(sim, {
        job: { workingDir: shopDir, env: { DATABASE_URL: database.url } },
      });
      const request = command("run-14:expand:1", [
        findDjangoPython(),
        "manage.py",
        "migrate",
        "catalog",
        "0002",
        "--noinput",
      ]);
      const result = await runJob(sim, executor, request);

      expect(result.exitCode).toBe(0);
      expect(result.stdout).toContain("Applying catalog.0002_product_is_active... OK");
      expect(database.query("SELECT name FROM django_migrations WHERE app = 'catalog' ORDER BY name")).toBe(
        "0001_initial\n0002_product_is_active",
      );
    });
  });
});

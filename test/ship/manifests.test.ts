import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { COMMANDS } from "../../src/cli/commands.js";
import { type LoadedServices, loadServices, parseServices } from "../../src/config/load-services.js";
import { serveMetricsFromEnv } from "../../src/metrics/metrics-server.js";
import { slackEnvSchema } from "../../src/slack/inbound/app.js";
import { healthRoutes } from "../../src/slack/inbound/health-routes.js";
import { logger } from "../../src/telemetry/pino-logger.js";
import { connectRedis } from "../../testkit/redis.js";
import { repoRoot } from "../../testkit/run-cli.js";
import { all, runtimeStage } from "./dockerfile.js";
import { envNamesReadByCode } from "./env-names.js";
import {
  configMapSchema,
  deploymentSchema,
  kustomizationSchema,
  MANIFESTS,
  monitorSchema,
  networkPolicySchema,
  pdbSchema,
  readManifests,
  renderKustomization,
  selects,
  serviceSchema,
} from "./manifests.js";

const manifests = readManifests();

const roleSchema = z.looseObject({
  rules: z.array(
    z.strictObject({
      apiGroups: z.array(z.string()),
      resources: z.array(z.string()),
      verbs: z.array(z.string()),
    }),
  ),
});

function one(kind: string, name: string) {
  const found = manifests.filter((m) => m.kind === kind && m.metadata.name === name);
  expect(found, `one ${kind} ${name}`).toHaveLength(1);
  return found[0]?.raw;
}

const bot = deploymentSchema.parse(one("Deployment", "phasegate-bot"));
const worker = deploymentSchema.parse(one("Deployment", "phasegate-worker"));
const deployments = [bot, worker];
const botContainer = bot.spec.template.spec.containers[0];
const kustomization = kustomizationSchema.parse(one("Kustomization", ""));

/** The port the bot listens on when PORT is not set. */
const defaultPort = slackEnvSchema.parse({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s" }).PORT;

function envOf(deployment: typeof bot) {
  return new Map(deployment.spec.template.spec.containers[0]?.env.map((e) => [e.name, e]));
}

/** The services file a Deployment reads: PHASEGATE_SERVICES inside the ConfigMap volume it mounts. */
function servicesOf(deployment: typeof bot): LoadedServices {
  const spec = deployment.spec.template.spec;
  const file = envOf(deployment).get("PHASEGATE_SERVICES")?.value ?? "";
  const mount = spec.containers[0]?.volumeMounts.find((m) => path.posix.dirname(file) === m.mountPath);
  const volume = spec.volumes.find((v) => v.name === mount?.name);
  expect(volume?.configMap, `${file} is not in a mounted ConfigMap`).toBeDefined();
  const configMap = configMapSchema.parse(one("ConfigMap", volume?.configMap?.name ?? ""));
  const text = configMap.data[path.posix.basename(file)];
  expect(text, `ConfigMap ${configMap.metadata.name} has no ${path.posix.basename(file)}`).toBeDefined();
  return parseServices(text ?? "", file);
}

/** The longest a worker holds one step: migrate, a deploy command, one rollout check, one backfill batch. */
function longestStepSeconds(loaded: LoadedServices): number {
  return Math.max(
    ...Object.values(loaded.services).flatMap((service) => [
      service.timeouts.migrateSeconds,
      "timeoutSeconds" in service.deployer ? service.deployer.timeoutSeconds : 0,
      "timeoutSeconds" in service.rollout ? service.rollout.timeoutSeconds : 0,
      service.backfill?.timeoutSeconds ?? 0,
    ]),
  );
}

describe("Kubernetes manifests", () => {
  it("are all listed in the kustomization, the ServiceAccount included", () => {
    const files = readdirSync(MANIFESTS).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml");
    expect([...kustomization.resources].sort()).toEqual(files.sort());
    expect(kustomization.resources).toContain("service-account.yaml");
  });

  it("put everything in the namespace of the ServiceAccounts, one account for the bot and one for the worker", () => {
    const accounts = manifests.filter((m) => m.kind === "ServiceAccount");
    for (const account of accounts) expect(account.metadata.namespace).toBe(kustomization.namespace);
    expect(manifests.find((m) => m.kind === "Namespace")?.metadata.name).toBe(kustomization.namespace);
    expect(deployments.map((d) => d.spec.template.spec.serviceAccountName)).toEqual([
      "phasegate-bot",
      "phasegate-worker",
    ]);
    expect(accounts.map((a) => a.metadata.name).sort()).toEqual(["phasegate-bot", "phasegate-worker"]);
  });

  it("let in only each pod's own ports: the bot's HTTP port, the worker's metrics port", () => {
    for (const deployment of deployments) {
      const policies = manifests
        .filter((m) => m.kind === "NetworkPolicy")
        .map((m) => networkPolicySchema.parse(m.raw))
        .filter((p) => selects(p.spec.podSelector.matchLabels, deployment.spec.template.metadata.labels));
      expect(policies, deployment.metadata.name).toHaveLength(1);
      const declared = deployment.spec.template.spec.containers[0]?.ports.map((p) => p.name);
      const allowed = policies[0]?.spec.ingress.flatMap((rule) => rule.ports.map((p) => p.port));
      expect(allowed, deployment.metadata.name).toEqual(declared);
      expect(policies[0]?.spec.ingress.every((rule) => rule.from === undefined)).toBe(true);
    }
  });

  it("spread each Deployment's replicas over nodes and zones without ever blocking scheduling", () => {
    for (const deployment of deployments) {
      const constraints = deployment.spec.template.spec.topologySpreadConstraints;
      expect(constraints.map((c) => c.topologyKey)).toEqual([
        "kubernetes.io/hostname",
        "topology.kubernetes.io/zone",
      ]);
      for (const constraint of constraints) {
        expect(constraint.whenUnsatisfiable).toBe("ScheduleAnyway");
        expect(selects(constraint.labelSelector.matchLabels, deployment.spec.template.metadata.labels)).toBe(
          true,
        );
        for (const other of deployments.filter((d) => d !== deployment))
          expect(selects(constraint.labelSelector.matchLabels, other.spec.template.metadata.labels)).toBe(
            false,
          );
      }
    }
  });

  it("offer an optional ServiceMonitor and PodMonitor that scrape the ports and paths the pods serve", () => {
    const rendered = renderKustomization(path.join(MANIFESTS, "monitoring"));
    const bySpec = (kind: string) => monitorSchema.parse(rendered.find((m) => m.kind === kind)?.raw);
    const service = serviceSchema.parse(one("Service", "phasegate-bot"));
    const serviceMonitor = bySpec("ServiceMonitor");
    expect(serviceMonitor.metadata.namespace).toBe(kustomization.namespace);
    expect(selects(serviceMonitor.spec.selector.matchLabels, bot.metadata.labels)).toBe(true);
    expect(serviceMonitor.spec.endpoints?.map((e) => [e.port, e.path])).toEqual([
      [service.spec.ports[0]?.targetPort, bot.spec.template.metadata.annotations["prometheus.io/path"]],
    ]);
    const podMonitor = bySpec("PodMonitor");
    expect(selects(podMonitor.spec.selector.matchLabels, worker.spec.template.metadata.labels)).toBe(true);
    expect(selects(podMonitor.spec.selector.matchLabels, bot.spec.template.metadata.labels)).toBe(false);
    expect(podMonitor.spec.podMetricsEndpoints?.map((e) => [e.port, e.path])).toEqual([
      ["metrics", worker.spec.template.metadata.annotations["prometheus.io/path"]],
    ]);
  });

  it("select their own pods: Deployments, the Service and the disruption budgets", () => {
    for (const deployment of deployments)
      expect(selects(deployment.spec.selector.matchLabels, deployment.spec.template.metadata.labels)).toBe(
        true,
      );
    const podsOf = (selector: Record<string, string>) =>
      deployments
        .filter((d) => selects(selector, d.spec.template.metadata.labels))
        .map((d) => d.metadata.name);
    expect(podsOf(serviceSchema.parse(one("Service", "phasegate-bot")).spec.selector)).toEqual([
      "phasegate-bot",
    ]);
    for (const name of ["phasegate-bot", "phasegate-worker"])
      expect(podsOf(pdbSchema.parse(one("PodDisruptionBudget", name)).spec.selector.matchLabels)).toEqual([
        name,
      ]);
  });

  it("run the image the kustomization sets: the bot a command the CLI has, the worker the worker process", () => {
    for (const deployment of deployments) {
      const container = deployment.spec.template.spec.containers[0];
      expect(kustomization.images.map((i) => i.name)).toContain(container?.image);
    }
    expect(Object.keys(COMMANDS)).toContain(botContainer?.args[0]);
    const workerCommand = worker.spec.template.spec.containers[0]?.command ?? [];
    expect(workerCommand.slice(0, 3)).toEqual(["/usr/bin/tini", "--", "node"]);
    // The image holds dist/ (tsc's outDir with rootDir "."): the compiled entry point's source must exist.
    const entry = path.relative("/app/dist", workerCommand[3] ?? "").replace(/\.js$/, ".ts");
    expect(existsSync(path.join(repoRoot, entry)), entry).toBe(true);
    expect(entry).toBe(path.join("workers", "step-worker.ts"));
  });

  it("serve the bot on the port the code listens on by default, where the Service and Prometheus look", () => {
    const http = botContainer?.ports.find((p) => p.name === "http");
    expect(http?.containerPort).toBe(defaultPort);
    expect(envOf(bot).get("PORT")?.value).toBe(String(defaultPort));
    expect(bot.spec.template.metadata.annotations["prometheus.io/port"]).toBe(String(defaultPort));
    expect(all(runtimeStage(), "EXPOSE")).toEqual([String(defaultPort)]);
    const service = serviceSchema.parse(one("Service", "phasegate-bot"));
    expect(service.spec.ports.map((p) => p.targetPort)).toEqual(["http"]);
  });

  it("probe the routes the bot serves: readiness on /readyz, liveness on /healthz, metrics on /metrics", async () => {
    const redis = connectRedis();
    const routes = healthRoutes(redis, logger).map((route) => route.path);
    redis.disconnect();
    expect(botContainer?.readinessProbe?.httpGet).toEqual({ path: "/readyz", port: "http" });
    expect(botContainer?.livenessProbe?.httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(routes).toEqual(
      expect.arrayContaining([
        "/readyz",
        "/healthz",
        bot.spec.template.metadata.annotations["prometheus.io/path"],
      ]),
    );
  });

  it("serve the worker's metrics and liveness on METRICS_PORT, where Prometheus and the kubelet look", async () => {
    const container = worker.spec.template.spec.containers[0];
    const port = container?.ports.find((p) => p.name === "metrics")?.containerPort;
    expect(envOf(worker).get("METRICS_PORT")?.value).toBe(String(port));
    expect(worker.spec.template.metadata.annotations["prometheus.io/port"]).toBe(String(port));
    expect(container?.livenessProbe?.httpGet).toEqual({ path: "/healthz", port: "metrics" });
    const server = await serveMetricsFromEnv({ METRICS_PORT: "0" }, logger);
    try {
      for (const path of ["/healthz", worker.spec.template.metadata.annotations["prometheus.io/path"]])
        expect((await fetch(`http://127.0.0.1:${server?.port}${path}`)).status, path).toBe(200);
    } finally {
      await server?.close();
    }
  });

  it("set only environment variables the code reads, secrets from the Secret phasegate", () => {
    const read = envNamesReadByCode();
    for (const deployment of deployments)
      for (const variable of envOf(deployment).values()) {
        expect(read, `${deployment.metadata.name} sets ${variable.name}, which nothing reads`).toContain(
          variable.name,
        );
        if (variable.valueFrom)
          expect(variable.valueFrom.secretKeyRef).toMatchObject({ name: "phasegate", key: variable.name });
      }
    const secret = (deployment: typeof bot, name: string) =>
      envOf(deployment).get(name)?.valueFrom?.secretKeyRef;
    for (const name of ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "REDIS_URL"])
      expect(secret(bot, name)?.optional ?? false, `the bot needs ${name}`).toBe(false);
    expect(secret(bot, "SLACK_APP_TOKEN")?.optional).toBe(true);
    for (const name of ["SLACK_BOT_TOKEN", "REDIS_URL"])
      expect(secret(worker, name)?.optional ?? false, `the worker needs ${name}`).toBe(false);
  });

  it("give both the services file from the ConfigMap, and it is valid", () => {
    for (const deployment of deployments)
      expect(Object.keys(servicesOf(deployment).services)).toEqual(["shop"]);
  });

  it("let a stopping worker finish its longest step, and wait no longer than that", async () => {
    const grace = worker.spec.template.spec.terminationGracePeriodSeconds ?? 30;
    const example = await loadServices(path.join(repoRoot, "examples", "services.example.yaml"));
    // The longest step timeout of the shipped services file, plus the worker's 60 s to close (docs/operations.md).
    expect(grace).toBe(longestStepSeconds(servicesOf(worker)) + 60);
    expect(readFileSync(path.join(repoRoot, "docs", "operations.md"), "utf8")).toContain(`hence ${grace}`);
    expect(grace).toBeGreaterThan(longestStepSeconds(example));
  });

  it("run as the image's unprivileged user, which runAsNonRoot can verify", () => {
    const [uid, gid] = (all(runtimeStage(), "USER").at(-1) ?? "").split(":").map(Number);
    for (const deployment of deployments) {
      const context = deployment.spec.template.spec.securityContext;
      expect(context.runAsNonRoot).toBe(true);
      expect([context.runAsUser, context.runAsGroup]).toEqual([uid, gid]);
    }
  });

  it("give the worker, in each managed namespace, exactly the workload rights its deployer, halt and watcher use; the bot none", () => {
    const rendered = renderKustomization(path.join(MANIFESTS, "app-namespace"));
    const rulesOf = (name: string) =>
      roleSchema.parse(
        rendered.find(
          (m) => m.kind === "Role" && (m.raw as { metadata: { name: string } }).metadata.name === name,
        )?.raw,
      ).rules;
    const onWorkloads = (rule: { apiGroups: string[] }) =>
      rule.apiGroups.some((group) => group === "apps" || group === "argoproj.io");
    expect(rulesOf("phasegate").filter(onWorkloads)).toEqual([
      {
        apiGroups: ["apps"],
        resources: ["deployments", "statefulsets", "daemonsets"],
        verbs: ["get", "patch"],
      },
      { apiGroups: ["argoproj.io"], resources: ["rollouts"], verbs: ["get", "patch"] },
      { apiGroups: ["argoproj.io"], resources: ["rollouts/status"], verbs: ["patch"] },
    ]);
    expect(rulesOf("phasegate-bot").filter(onWorkloads)).toEqual([]);
  });
});

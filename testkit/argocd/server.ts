import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { deploymentRolloutStatus } from "../../src/kubernetes/rollout-status.js";
import { gitIn, imageOfFile } from "../gitops-repo.js";
import type { KubeSim } from "../kube-sim/index.js";
import { jsonMergePatch } from "../kube-sim/strategic-merge.js";

interface Source {
  repoURL: string;
  path: string;
  targetRevision: string;
  kustomize?: { images?: string[] };
  helm?: { parameters?: { name: string; value: string }[] };
}

/** An Application as Argo CD's API answers it (the part phasegate and the tests read). */
export interface ArgoApplication {
  metadata: { name: string; namespace: string; resourceVersion: string; generation: number };
  spec: {
    project: string;
    source: Source;
    destination: { server: string; namespace: string };
    syncPolicy?: { automated?: { prune?: boolean; selfHeal?: boolean } };
  };
  status: {
    sync: { status: "Synced" | "OutOfSync" | "Unknown"; revision?: string; comparedTo?: { source: Source } };
    health: { status: string; message?: string };
    operationState?: {
      phase: "Running" | "Succeeded" | "Failed" | "Error";
      message: string;
      syncResult?: { revision: string; source: Source };
    };
  };
}

export interface NewApplication {
  name: string;
  source: Source;
  automated?: boolean;
  /** The Deployment the Application's manifests render to (the image is all that is rendered). */
  workload: { namespace: string; deployment: string; container?: string };
  /** Git mode: the bare repository and the file whose image is rendered (`source.path`/kustomization.yaml). */
  git?: { bare: string; branch: string; file: string };
  /** Helm parameter mode: the image repository the chart prefixes the `image.tag` parameter with. */
  helmImageRepository?: string;
}

interface Managed {
  app: ArgoApplication;
  spec: NewApplication;
  /** A sync asked for through the API, carried out at the next reconcile. */
  syncRequested: boolean;
}

/**
 * Argo CD on loopback: the REST API subset phasegate uses (GET and PATCH of an Application, POST sync) with a
 * bearer token, and an application controller that reconciles every 50 ms. It compares the desired image (from
 * the Application's kustomize images or Helm parameters, or in Git mode from the tracked file at the branch's
 * head, read with `git show` as Argo CD's repo server reads it) with the simulator's Deployment, syncs when
 * automated or asked, and reports health from the Deployment's rollout (Healthy, Progressing, Degraded, Missing).
 */
export class ArgoCdStandIn {
  private readonly apps = new Map<string, Managed>();
  private resourceVersion = 100;
  private timer: NodeJS.Timeout | undefined;
  private reconciling = false;

  private constructor(
    readonly url: string,
    readonly tokenFile: string,
    private readonly token: string,
    private readonly dir: string,
    private readonly sim: KubeSim,
    private readonly server: ReturnType<typeof createServer>,
  ) {}

  static async start(sim: KubeSim): Promise<ArgoCdStandIn> {
    const dir = await mkdtemp(path.join(os.tmpdir(), "argocd-standin-"));
    const token = randomBytes(16).toString("hex");
    const tokenFile = path.join(dir, "token");
    await writeFile(tokenFile, `${token}\n`);
    let standIn: ArgoCdStandIn | undefined;
    const server = createServer((req, res) => void standIn?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    standIn = new ArgoCdStandIn(`http://127.0.0.1:${port}`, tokenFile, token, dir, sim, server);
    standIn.timer = setInterval(() => void standIn?.reconcile(), 50);
    return standIn;
  }

  add(spec: NewApplication): ArgoApplication {
    const app: ArgoApplication = {
      metadata: { name: spec.name, namespace: "argocd", resourceVersion: this.nextVersion(), generation: 1 },
      spec: {
        project: "default",
        source: structuredClone(spec.source),
        destination: { server: "https://kubernetes.default.svc", namespace: spec.workload.namespace },
        ...(spec.automated ? { syncPolicy: { automated: { prune: true, selfHeal: true } } } : {}),
      },
      status: { sync: { status: "Unknown" }, health: { status: "Missing" } },
    };
    this.apps.set(spec.name, { app, spec, syncRequested: false });
    return app;
  }

  /** Resolves after a full reconcile pass that started after the call (every Application compared once). */
  async settled(): Promise<void> {
    while (this.reconciling) await new Promise((resolve) => setTimeout(resolve, 10));
    await this.reconcile();
  }

  get(name: string): ArgoApplication {
    const managed = this.apps.get(name);
    if (!managed) throw new Error(`no Application ${name}`);
    return structuredClone(managed.app);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
    await rm(this.dir, { recursive: true, force: true });
  }

  private nextVersion() {
    this.resourceVersion += 1;
    return String(this.resourceVersion);
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const error = (status: number, code: number, message: string) =>
      send(status, { error: message, code, message });
    if (req.headers.authorization !== `Bearer ${this.token}`)
      return error(401, 16, "invalid session: token signature is invalid");
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? "/", this.url);
    const match = /^\/api\/v1\/applications\/([^/]+)(\/sync)?$/.exec(url.pathname);
    if (!match) return error(404, 5, "Not Found");
    const name = decodeURIComponent(match[1] ?? "");
    const managed = this.apps.get(name);
    if (!managed) return error(404, 5, `applications.argoproj.io "${name}" not found`);
    let body: { patch?: string; patchType?: string } = {};
    try {
      body = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {};
    } catch {
      return error(400, 3, "invalid JSON body");
    }
    if (req.method === "GET" && !match[2]) return send(200, managed.app);
    if (req.method === "PATCH" && !match[2]) {
      if (body.patchType !== "merge" || typeof body.patch !== "string")
        return error(400, 3, `unsupported patch type ${body.patchType}`);
      const patch = JSON.parse(body.patch) as { metadata?: { resourceVersion?: string } };
      const expected = patch.metadata?.resourceVersion;
      if (expected && expected !== managed.app.metadata.resourceVersion)
        return error(
          409,
          10,
          "the object has been modified; please apply your changes to the latest version and try again",
        );
      const next = jsonMergePatch(structuredClone(managed.app), patch) as ArgoApplication;
      next.metadata = {
        ...managed.app.metadata,
        resourceVersion: this.nextVersion(),
        generation: managed.app.metadata.generation + 1,
      };
      managed.app = next;
      return send(200, managed.app);
    }
    if (req.method === "POST" && match[2]) {
      if (managed.app.status.operationState?.phase === "Running")
        return error(400, 9, "another operation is already in progress");
      managed.syncRequested = true;
      managed.app.status.operationState = { phase: "Running", message: "waiting to start" };
      return send(200, managed.app);
    }
    return error(405, 12, "method not allowed");
  }

  /** One pass of the application controller over every Application. */
  private async reconcile() {
    if (this.reconciling) return;
    this.reconciling = true;
    try {
      for (const managed of this.apps.values())
        await this.reconcileOne(managed).catch((error: Error) => {
          managed.app.status.sync = { status: "Unknown" };
          managed.app.status.health = { status: "Unknown", message: `ComparisonError: ${error.message}` };
        });
    } finally {
      this.reconciling = false;
    }
  }

  private async reconcileOne(managed: Managed) {
    const { app, spec } = managed;
    const source = structuredClone(app.spec.source);
    const { revision, image } = await this.desired(spec, source);
    const { namespace, deployment, container = "app" } = spec.workload;
    const status = app.status;
    let live: ReturnType<KubeSim["deployments"]["get"]>;
    try {
      live = this.sim.deployments.get(namespace, deployment);
    } catch {
      status.health = { status: "Missing", message: `Deployment ${deployment} does not exist` };
      return;
    }
    const running = live.spec.template.spec.containers.find((c) => c.name === container)?.image;
    const outOfSync = running !== image;
    if (outOfSync && (app.spec.syncPolicy?.automated || managed.syncRequested)) {
      this.sim.deployments.setImage(namespace, deployment, container, image);
      status.operationState = {
        phase: "Succeeded",
        message: "successfully synced (all tasks run)",
        syncResult: { revision, source },
      };
    } else if (managed.syncRequested) {
      status.operationState = {
        phase: "Succeeded",
        message: "successfully synced (no more tasks)",
        syncResult: { revision, source },
      };
    }
    managed.syncRequested = false;
    const synced =
      this.sim.deployments
        .get(namespace, deployment)
        .spec.template.spec.containers.find((c) => c.name === container)?.image === image;
    status.sync = { status: synced ? "Synced" : "OutOfSync", revision, comparedTo: { source } };
    const rollout = deploymentRolloutStatus(this.sim.deployments.get(namespace, deployment));
    status.health = rollout.done
      ? { status: "Healthy" }
      : rollout.failed
        ? { status: "Degraded", message: rollout.message }
        : { status: "Progressing", message: rollout.message };
  }

  /** What the Application's source renders to, and the revision it was rendered from. */
  private async desired(spec: NewApplication, source: Source): Promise<{ revision: string; image: string }> {
    if (spec.git) {
      const revision = (await gitIn(spec.git.bare, "rev-parse", spec.git.branch)).trim();
      return {
        revision,
        image: imageOfFile(await gitIn(spec.git.bare, "show", `${revision}:${spec.git.file}`)),
      };
    }
    const revision = source.targetRevision;
    const image = source.kustomize?.images?.[0];
    if (image) {
      const [name = "", override] = image.split("=", 2);
      return { revision, image: override ?? name };
    }
    const tag = source.helm?.parameters?.find((p) => p.name === "image.tag")?.value;
    if (!tag || !spec.helmImageRepository) throw new Error(`Application ${spec.name} renders no image`);
    return { revision, image: `${spec.helmImageRepository}:${tag}` };
  }
}

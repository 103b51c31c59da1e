import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ArgoRollouts } from "./argo-rollouts.js";
import { type Certificates, makeCertificates } from "./certificates.js";
import { Cluster, key, type Pod } from "./cluster.js";
import { DaemonSets } from "./daemon-sets.js";
import { Deployments } from "./deployments.js";
import { Faults } from "./faults.js";
import { Flux } from "./flux.js";
import { Jobs } from "./jobs.js";
import { routes } from "./routes.js";
import { type LoggedRequest, listen } from "./server.js";
import { StatefulSets } from "./stateful-sets.js";
import { Tokens } from "./tokens.js";

export type { RbacRule, RequestMatch } from "./faults.js";
export type { LoggedRequest } from "./server.js";

/**
 * A Kubernetes API simulator on loopback for tests: Deployments, StatefulSets, DaemonSets and Argo Rollouts with
 * controllers the test steps, Jobs that run a local command as their pod, fault injection and a log of every
 * request. Production adapters talk to it unchanged, through `api: { url, tokenFile }`.
 */
export interface KubeSim {
  url: string;
  /** A file holding the bearer token the simulator accepts (for `api.tokenFile`). */
  tokenFile: string;
  /** Short-lived tokens (for exec credential plugins): issued, accepted until they expire, then 401. */
  tokens: Tokens;
  /** With `tls`: the CA, and a client certificate the simulator accepts instead of the token. */
  certificates: Certificates | undefined;
  deployments: Deployments;
  statefulSets: StatefulSets;
  daemonSets: DaemonSets;
  /** Argo Rollouts `Rollout`s (the CRD and its controller). */
  argoRollouts: ArgoRollouts;
  /** Flux's Kustomizations and HelmReleases, reconciled from a bare Git repository into the Deployments. */
  flux: Flux;
  jobs: Jobs;
  faults: Faults;
  /** Every request received, in order. */
  requests: LoggedRequest[];
  /** The pods of a namespace (or of one Deployment). */
  pods(namespace: string, deployment?: string): Pod[];
  setConfigMap(namespace: string, name: string, data: Record<string, string>): void;
  setSecret(namespace: string, name: string, data: Record<string, string>): void;
  /** The api section of a services file pointing at the simulator. */
  api(): { url: string; tokenFile: string; retryDelayMs: number; requestTimeoutSeconds: number };
  close(): Promise<void>;
}

export interface KubeSimOptions {
  /** The identity named in 403 messages. */
  user?: string;
  /** Serve HTTPS with a throwaway CA (`certificates` then holds its files); plain HTTP otherwise. */
  tls?: boolean;
  /** With tls: the DNS names its certificate is for, instead of 127.0.0.1 (a kubeconfig's tls-server-name). */
  serverNames?: string[];
}

export async function startKubeSim(options: KubeSimOptions = {}): Promise<KubeSim> {
  const cluster = new Cluster();
  const deployments = new Deployments(cluster);
  const statefulSets = new StatefulSets(cluster);
  const daemonSets = new DaemonSets(cluster);
  const argoRollouts = new ArgoRollouts(cluster);
  const flux = new Flux(deployments, () => cluster.nextResourceVersion());
  const jobs = new Jobs(cluster);
  const faults = new Faults();
  const requests: LoggedRequest[] = [];
  const token = randomBytes(16).toString("hex");
  const tokens = new Tokens();
  const dir = await mkdtemp(path.join(tmpdir(), "kube-sim-"));
  const tokenFile = path.join(dir, "token");
  await writeFile(tokenFile, `${token}\n`);
  const certificates = options.tls ? makeCertificates(dir, options.serverNames) : undefined;
  const { server, url } = await listen({
    routes: routes(cluster, { deployments, statefulSets, daemonSets, argoRollouts, flux }, jobs),
    faults,
    token,
    tokens,
    user: options.user ?? "system:serviceaccount:shop:phasegate",
    log: requests,
    tls: certificates && { cert: certificates.serverCert, key: certificates.serverKey, ca: certificates.ca },
  });
  return {
    url,
    tokenFile,
    tokens,
    certificates,
    deployments,
    statefulSets,
    daemonSets,
    argoRollouts,
    flux,
    jobs,
    faults,
    requests,
    pods: (namespace, deployment) =>
      deployment ? deployments.pods(namespace, deployment) : cluster.podsIn(namespace),
    setConfigMap: (namespace, name, data) => cluster.configMaps.set(key(namespace, name), data),
    setSecret: (namespace, name, data) => cluster.secrets.set(key(namespace, name), data),
    api: () => ({ url, tokenFile, retryDelayMs: 10, requestTimeoutSeconds: 5 }),
    async close() {
      jobs.stopAll();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

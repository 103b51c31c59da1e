import type { ArgoRollouts } from "./argo-rollouts.js";
import { type Cluster, key, type Pod } from "./cluster.js";
import type { DaemonSets } from "./daemon-sets.js";
import type { Deployments } from "./deployments.js";
import { FLUX_API, type Flux, type FluxKind } from "./flux.js";
import type { Jobs } from "./jobs.js";
import { matchesSelector } from "./selector.js";
import type { StatefulSets } from "./stateful-sets.js";
import { ApiError, badRequest, notFound, success } from "./status.js";
import { jsonMergePatch, strategicMerge } from "./strategic-merge.js";

export interface RouteRequest {
  namespace: string;
  name: string;
  query: URLSearchParams;
  contentType: string;
  body: unknown;
}

/** A JSON answer, or plain text (pod logs). */
export type RouteAnswer = { json: unknown; status?: number } | { text: string };

export interface Route {
  method: string;
  pattern: RegExp;
  verb: string;
  apiGroup: string;
  resource: string;
  handle(request: RouteRequest): RouteAnswer;
}

const ns = "(?<namespace>[^/]+)";
const name = "(?<name>[^/]+)";
const path = (text: string) => new RegExp(`^${text}$`);

const patchers: Record<string, (target: unknown, patch: unknown) => unknown> = {
  "application/strategic-merge-patch+json": strategicMerge,
  "application/merge-patch+json": jsonMergePatch,
};

function unsupportedMediaType(contentType: string): ApiError {
  return new ApiError(
    415,
    "UnsupportedMediaType",
    `the body of the request was in an unknown format (${contentType || "none"}) - accepted media types include: ` +
      "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json",
  );
}

const list = (kind: string, apiVersion: string, items: unknown[]) => ({
  json: { kind, apiVersion, metadata: { resourceVersion: "1" }, items: structuredClone(items) },
});

/** The subset of the Kubernetes API the adapters use, with the RBAC attributes of each call. */
export interface Workloads {
  deployments: Deployments;
  statefulSets: StatefulSets;
  daemonSets: DaemonSets;
  argoRollouts: ArgoRollouts;
  flux: Flux;
}

/** GET and PATCH of one workload kind. */
function workloadRoutes(
  group: string,
  resource: string,
  store: {
    get(namespace: string, name: string): unknown;
    patch(
      namespace: string,
      name: string,
      patch: unknown,
      merge: (t: unknown, p: unknown) => unknown,
    ): unknown;
  },
  mediaTypes: string[],
): Route[] {
  const [apiGroup = "", version = ""] = group.split("/");
  const pattern = path(`/apis/${apiGroup}/${version}/namespaces/${ns}/${resource}/${name}`);
  return [
    {
      method: "GET",
      pattern,
      verb: "get",
      apiGroup,
      resource,
      handle: (r) => ({ json: structuredClone(store.get(r.namespace, r.name)) }),
    },
    {
      method: "PATCH",
      pattern,
      verb: "patch",
      apiGroup,
      resource,
      handle: (r) => {
        const merge = mediaTypes.includes(r.contentType) ? patchers[r.contentType] : undefined;
        if (!merge) throw unsupportedMediaType(r.contentType);
        return { json: structuredClone(store.patch(r.namespace, r.name, r.body, merge)) };
      },
    },
  ];
}

export function routes(cluster: Cluster, workloads: Workloads, jobs: Jobs): Route[] {
  const { deployments, statefulSets, daemonSets, argoRollouts, flux } = workloads;
  const podsOf = (r: RouteRequest) =>
    cluster
      .podsIn(r.namespace)
      .filter((p) => matchesSelector(p.metadata.labels, r.query.get("labelSelector")));
  const pod = (r: RouteRequest) => {
    const found = cluster.pods.get(key(r.namespace, r.name));
    if (!found) throw notFound("pods", "", r.name);
    return found;
  };
  const apps = Object.keys(patchers);
  return [
    ...workloadRoutes("apps/v1", "statefulsets", statefulSets, apps),
    ...workloadRoutes("apps/v1", "daemonsets", daemonSets, apps),
    ...(Object.keys(FLUX_API) as FluxKind[]).map((kind): Route => {
      const { group, version, plural } = FLUX_API[kind];
      return {
        method: "GET",
        pattern: path(`/apis/${group}/${version}/namespaces/${ns}/${plural}/${name}`),
        verb: "get",
        apiGroup: group,
        resource: plural,
        handle: (r) => ({ json: structuredClone(flux.get(kind, r.namespace, r.name)) }),
      };
    }),
    // A custom resource: no strategic-merge patch.
    ...workloadRoutes("argoproj.io/v1alpha1", "rollouts", argoRollouts, ["application/merge-patch+json"]),
    {
      method: "PATCH",
      pattern: path(`/apis/argoproj.io/v1alpha1/namespaces/${ns}/rollouts/${name}/status`),
      verb: "patch",
      apiGroup: "argoproj.io",
      resource: "rollouts/status",
      handle: (r) => {
        if (r.contentType !== "application/merge-patch+json") throw unsupportedMediaType(r.contentType);
        return {
          json: structuredClone(argoRollouts.patchStatus(r.namespace, r.name, r.body, jsonMergePatch)),
        };
      },
    },
    ...workloadRoutes("apps/v1", "deployments", deployments, apps),
    {
      method: "GET",
      pattern: path(`/apis/apps/v1/namespaces/${ns}/deployments`),
      verb: "list",
      apiGroup: "apps",
      resource: "deployments",
      handle: (r) => list("DeploymentList", "apps/v1", deployments.list(r.namespace)),
    },
    {
      method: "GET",
      pattern: path(`/api/v1/namespaces/${ns}/pods`),
      verb: "list",
      apiGroup: "",
      resource: "pods",
      handle: (r) => list("PodList", "v1", podsOf(r)),
    },
    {
      method: "GET",
      pattern: path(`/api/v1/namespaces/${ns}/pods/${name}`),
      verb: "get",
      apiGroup: "",
      resource: "pods",
      handle: (r) => ({ json: structuredClone(pod(r)) }),
    },
    {
      method: "GET",
      pattern: path(`/api/v1/namespaces/${ns}/pods/${name}/log`),
      verb: "get",
      apiGroup: "",
      resource: "pods/log",
      handle: (r) => ({ text: podLog(cluster, pod(r), r.query) }),
    },
    {
      method: "POST",
      pattern: path(`/apis/batch/v1/namespaces/${ns}/jobs`),
      verb: "create",
      apiGroup: "batch",
      resource: "jobs",
      handle: (r) => {
        if (r.contentType !== "application/json") throw unsupportedMediaType(r.contentType);
        return { json: structuredClone(jobs.create(r.namespace, r.body)), status: 201 };
      },
    },
    {
      method: "GET",
      pattern: path(`/apis/batch/v1/namespaces/${ns}/jobs/${name}`),
      verb: "get",
      apiGroup: "batch",
      resource: "jobs",
      handle: (r) => ({ json: structuredClone(jobs.get(r.namespace, r.name)) }),
    },
    {
      method: "DELETE",
      pattern: path(`/apis/batch/v1/namespaces/${ns}/jobs/${name}`),
      verb: "delete",
      apiGroup: "batch",
      resource: "jobs",
      handle: (r) => {
        const body = (r.body ?? {}) as { propagationPolicy?: string };
        jobs.delete(r.namespace, r.name, r.query.get("propagationPolicy") ?? body.propagationPolicy);
        return { json: success() };
      },
    },
  ];
}

function podLog(cluster: Cluster, pod: Pod, query: URLSearchParams) {
  const { namespace, name } = pod.metadata;
  const container = query.get("container");
  const names = pod.spec.containers.map((c) => c.name);
  if (container && !names.includes(container)) {
    throw badRequest(`container ${container} is not valid for pod ${name}`);
  }
  if (!container && names.length > 1) {
    throw badRequest(
      `a container name must be specified for pod ${name}, choose one of: [${names.join(" ")}]`,
    );
  }
  const log = cluster.logs.get(key(namespace, name));
  if (log === undefined) {
    const waiting = pod.status.containerStatuses?.[0]?.state.waiting?.reason ?? "ContainerCreating";
    throw badRequest(`container "${names[0]}" in pod "${name}" is waiting to start: ${waiting}`);
  }
  const limit = query.get("limitBytes");
  const tailed = tailOf(log, query.get("tailLines"));
  // As the kubelet does: the tail first, then its first limitBytes bytes (a multi-byte character may be cut).
  return limit === null ? tailed : Buffer.from(tailed).subarray(0, Number(limit)).toString("utf8");
}

function tailOf(log: string, tail: string | null): string {
  if (tail === null) return log;
  const lines = log.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const count = Number(tail);
  const kept = count > 0 ? lines.slice(-count) : [];
  return kept.length > 0 ? `${kept.join("\n")}\n` : "";
}

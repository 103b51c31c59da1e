import { KubernetesError, type KubernetesErrorKind } from "./kubernetes-error.js";
import type { KubernetesRequest } from "./request.js";
import { describeRule, requestAttributes } from "./request-attributes.js";
import { statusSchema } from "./resources.js";

/** The final (non-retried) error for a 4xx answer, with what to do about it. */
export function describeFailure(request: KubernetesRequest, status: number, body: string): KubernetesError {
  const attributes = requestAttributes(request.method, request.path);
  const object = `${attributes.resource}${attributes.name ? ` "${attributes.name}"` : ""}`;
  const what = `${attributes.verb} ${object}`;
  const where = attributes.namespace ? ` in namespace "${attributes.namespace}"` : "";
  const detail = statusMessage(body);
  const fail = (kind: KubernetesErrorKind, message: string) => new KubernetesError(kind, message, status);

  switch (status) {
    case 401:
      return fail(
        "unauthorized",
        `the Kubernetes API refused the credentials (401) to ${what}${where}: check the token (api.tokenFile, the kubeconfig user, or the pod's service account)`,
      );
    case 403:
      return fail(
        "forbidden",
        `the Kubernetes API forbids phasegate to ${what}${where} (403): add the rule ${describeRule(attributes)} ` +
          `to the Role bound to phasegate's service account in namespace "${attributes.namespace ?? "(cluster)"}" ` +
          `(see manifests/kubernetes/app-namespace/rbac.yaml)${detail ? `; the API said: ${detail}` : ""}`,
      );
    case 404:
      return fail(
        "not-found",
        `${object} not found${where}: check the name and namespace in the services file`,
      );
    case 409:
      return fail("conflict", `cannot ${what}${where}: ${detail || "conflict (409)"}`);
    case 400:
    case 415:
    case 422:
      return fail(
        "invalid",
        `the Kubernetes API rejected the request to ${what}${where} (${status}): ${detail}`,
      );
    default:
      return fail(
        "http",
        `the Kubernetes API answered ${status} to ${what}${where}: ${detail || body.slice(0, 200)}`,
      );
  }
}

function statusMessage(body: string): string {
  try {
    const parsed = statusSchema.safeParse(JSON.parse(body));
    return parsed.success ? (parsed.data.message ?? parsed.data.reason ?? "") : "";
  } catch {
    return body.slice(0, 200);
  }
}

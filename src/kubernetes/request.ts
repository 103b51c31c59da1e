export interface KubernetesRequest {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  /** API path, e.g. /apis/apps/v1/namespaces/shop/deployments/web */
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  /** Defaults to application/json when there is a body. */
  contentType?: string;
}

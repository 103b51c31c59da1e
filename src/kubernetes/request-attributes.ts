/** What RBAC sees of a request: the verb, the API group, the resource (with subresource) and the namespace. */
export interface RequestAttributes {
  verb: string;
  apiGroup: string;
  /** "deployments", or "pods/log" for a subresource. */
  resource: string;
  namespace: string | null;
  name: string | null;
}

const verbs: Record<string, (named: boolean) => string> = {
  GET: (named) => (named ? "get" : "list"),
  POST: () => "create",
  PUT: () => "update",
  PATCH: () => "patch",
  DELETE: (named) => (named ? "delete" : "deletecollection"),
};

/** Derives the RBAC attributes of a REST call, the way the API server's request-info resolver does for resource paths. */
export function requestAttributes(method: string, path: string): RequestAttributes {
  const segments = path.split("?")[0]?.split("/").filter(Boolean) ?? [];
  const [root, ...afterRoot] = segments;
  let apiGroup = "";
  let rest: string[];
  if (root === "api") rest = afterRoot.slice(1);
  else if (root === "apis") {
    apiGroup = afterRoot[0] ?? "";
    rest = afterRoot.slice(2);
  } else throw new Error(`not a Kubernetes resource path: ${path}`);

  let namespace: string | null = null;
  if (rest[0] === "namespaces" && rest.length >= 3) {
    namespace = rest[1] ?? null;
    rest = rest.slice(2);
  }
  const [resource = "", name = null, subresource] = rest;
  const verb = verbs[method.toUpperCase()]?.(name !== null) ?? method.toLowerCase();
  return { verb, apiGroup, resource: subresource ? `${resource}/${subresource}` : resource, namespace, name };
}

/** The Role rule that allows the request, as YAML flow text for an error message. */
export function describeRule(attributes: RequestAttributes): string {
  return `{apiGroups: ["${attributes.apiGroup}"], resources: ["${attributes.resource}"], verbs: ["${attributes.verb}"]}`;
}

/** REST paths of the objects phasegate reads and writes. */
const segment = encodeURIComponent;

export const deploymentPath = (namespace: string, name: string) =>
  `/apis/apps/v1/namespaces/${segment(namespace)}/deployments/${segment(name)}`;

export const podsPath = (namespace: string) => `/api/v1/namespaces/${segment(namespace)}/pods`;

export const podLogPath = (namespace: string, pod: string) => `${podsPath(namespace)}/${segment(pod)}/log`;

export const jobsPath = (namespace: string) => `/apis/batch/v1/namespaces/${segment(namespace)}/jobs`;

export const jobPath = (namespace: string, name: string) => `${jobsPath(namespace)}/${segment(name)}`;

/** `app=web,tier=front` from a Deployment's matchLabels. */
export const labelSelector = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");

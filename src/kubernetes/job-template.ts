import { pickContainer } from "./containers.js";
import type { Deployment } from "./resources.js";

type Fields = Record<string, unknown>;

/** What a Job takes over from a Deployment's pod template: the pod's settings and the app container's. */
export interface PodBase {
  spec: Fields;
  container: Fields;
}

/** The app's own way to start and to serve, none of which a one-off command wants. */
const containerFieldsDropped = [
  "command",
  "args",
  "ports",
  "livenessProbe",
  "readinessProbe",
  "startupProbe",
  "lifecycle",
];

/**
 * The Deployment's pod template without what would make a Job of it wrong: other containers (a sidecar never exits,
 * so the Job would never complete), init containers, and the app's command, args, ports, probes and lifecycle hooks.
 * Its labels are not taken either: the Deployment's selector (and its Service) would count the Job's pod as the app's.
 */
export function podBase(deployment: Deployment, container: string | undefined): PodBase {
  const { containers: _containers, initContainers: _init, ...spec } = deployment.spec.template.spec;
  const picked: Fields = { ...pickContainer(deployment, container) };
  for (const field of containerFieldsDropped) delete picked[field];
  return { spec, container: picked };
}

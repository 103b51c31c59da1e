export type KubernetesErrorKind =
  | "not-found"
  | "conflict"
  | "forbidden"
  | "unauthorized"
  | "invalid"
  | "unavailable"
  | "invalid-response"
  | "http"
  | "configuration";

/** A failed call to the Kubernetes API; the message says what to do about it. */
export class KubernetesError extends Error {
  constructor(
    readonly kind: KubernetesErrorKind,
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = "KubernetesError";
  }
}

export const isNotFound = (error: unknown) => error instanceof KubernetesError && error.kind === "not-found";
export const isConflict = (error: unknown) => error instanceof KubernetesError && error.kind === "conflict";

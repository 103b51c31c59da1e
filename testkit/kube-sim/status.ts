/** Kubernetes `Status` objects, as the API server sends them with an error. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  toStatus() {
    return {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

export const notFound = (resource: string, group: string, name: string) =>
  new ApiError(404, "NotFound", `${resource}${group ? `.${group}` : ""} "${name}" not found`, {
    name,
    group,
    kind: resource,
  });

export const alreadyExists = (resource: string, group: string, name: string) =>
  new ApiError(409, "AlreadyExists", `${resource}${group ? `.${group}` : ""} "${name}" already exists`, {
    name,
    group,
    kind: resource,
  });

export const invalid = (message: string) => new ApiError(422, "Invalid", message);

export const badRequest = (message: string) => new ApiError(400, "BadRequest", message);

export const success = () => ({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Success" });

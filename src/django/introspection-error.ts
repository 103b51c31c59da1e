import type { HelperError } from "./contract.js";

/** What kind of failure, and where in the project's files it happened when Python said so. */
export interface IntrospectionFailure {
  kind: HelperError["kind"] | "process" | "output";
  location: { file: string; line: number | null } | null;
}

/** Django could not be introspected; the message says what to fix. */
export class IntrospectionError extends Error {
  readonly failure: IntrospectionFailure;

  constructor(message: string, failure: IntrospectionFailure = { kind: "process", location: null }) {
    super(message);
    this.name = "IntrospectionError";
    this.failure = failure;
  }
}

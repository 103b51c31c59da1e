import type { Introspection } from "../domain/classify/migration.js";
import type { ServiceAdapters } from "./service-adapters.js";

export interface IntrospectRequest {
  service: string;
  version: string;
  adapters: ServiceAdapters;
}

/** Reads a service's pending migrations (and their SQL) with Django itself. */
export type ServiceIntrospector = (request: IntrospectRequest) => Promise<Introspection>;

import { introspect } from "../django/introspect.js";
import type { Introspection } from "../domain/classify/migration.js";
import type { ServiceAdapters } from "../ports/service-adapters.js";

export interface IntrospectRequest {
  service: string;
  version: string;
  adapters: ServiceAdapters;
}

/** Reads a service's pending migrations (and their SQL) with Django itself. */
export type ServiceIntrospector = (request: IntrospectRequest) => Promise<Introspection>;

/** Runs the introspection helper through the service's executor, like its migrations. */
export function djangoIntrospector(now: () => Date): ServiceIntrospector {
  return ({ service, version, adapters }) =>
    introspect({
      executor: adapters.executor,
      projectDir: adapters.migrate.projectDir,
      python: adapters.migrate.python,
      env: adapters.migrate.env,
      targets: [],
      key: `${service}-introspect-${version}-${now().getTime()}`,
      timeoutMs: adapters.migrate.timeoutMs,
      version,
      inline: adapters.remoteExecutor,
    });
}

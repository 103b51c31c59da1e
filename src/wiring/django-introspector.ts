import { localReleaseDir, releaseProjectDir } from "../config/release-dir.js";
import { introspect } from "../django/introspect.js";
import type { ServiceIntrospector } from "../ports/service-introspector.js";

/** Runs the introspection helper through the service's executor, like its migrations. */
export function djangoIntrospector(now: () => Date): ServiceIntrospector {
  return ({ service, version, adapters }) =>
    introspect({
      executor: adapters.executor,
      projectDir: adapters.remoteExecutor
        ? releaseProjectDir(adapters.migrate.projectDir, version)
        : localReleaseDir(service, adapters.migrate.projectDir, version),
      python: adapters.migrate.python,
      env: adapters.migrate.env,
      targets: [],
      key: `${service}-introspect-${version}-${now().getTime()}`,
      timeoutMs: adapters.introspectionTimeoutMs,
      version,
      inline: adapters.remoteExecutor,
    });
}
